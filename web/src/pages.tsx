import { Fragment } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, Invitation, InvitationPublic, May, Member, Session, Settings, SupportSettings } from './api';
import { errorText, formatDate, Lang, strings } from './i18n';
import { codeOf, Done, fieldAttrs, FieldProblem, FormLevelProblem, FormProblem, Label, missing, Problem, problemOf, RequiredNote } from './ui';
import { Sent, SignIn, useFocusHeading } from './signin';

function useError(): [string | undefined, (e: unknown) => void, () => void] {
  const [error, setError] = useState<string>();
  return [error, (e) => setError(codeOf(e)), () => setError(undefined)];
}

// useFormProblem is a form's problem: fail keeps the field it is about (the API's, or
// the code's: problemOf with the form's own names), clear forgets it.
function useFormProblem(fields?: Record<string, string>): [FormProblem | undefined, (e: unknown) => void, (p?: FormProblem) => void] {
  const [problem, setProblem] = useState<FormProblem>();
  return [problem, (e) => setProblem(problemOf(e, fields)), setProblem];
}

const inputValue = (e: Event) => (e.currentTarget as HTMLInputElement).value;

export function Home(props: { lang: Lang; member: Member; onSignedOut: () => void }) {
  const s = strings[props.lang];
  const heading = useFocusHeading();
  const signOut = async () => {
    await api.logout().catch(() => undefined);
    props.onSignedOut();
  };
  return (
    <>
      <section>
        <h1 tabIndex={-1} ref={heading}>
          {s.greeting(props.member.displayName)}
        </h1>
        <p>{s.signedInAs(props.member.email)}</p>
        <button type="button" class="secondary" onClick={signOut}>
          {s.signOut}
        </button>
      </section>
      <InviteFriend lang={props.lang} />
    </>
  );
}

function InviteFriend(props: { lang: Lang }) {
  const s = strings[props.lang];
  const [email, setEmail] = useState('');
  const [message, setMessage] = useState('');
  const [done, setDone] = useState<string>();
  const [problem, fail, set] = useFormProblem();
  const submit = async (e: Event) => {
    e.preventDefault();
    set(undefined);
    setDone(undefined);
    const empty = missing([['email', email]]);
    if (empty) return set(empty);
    try {
      await api.inviteFriend(email.trim(), message, props.lang);
      setDone(email.trim());
      setEmail('');
      setMessage('');
    } catch (err) {
      fail(err);
    }
  };
  return (
    <form class="section" onSubmit={submit} noValidate aria-labelledby="invite-title">
      <h2 id="invite-title">{s.inviteTitle}</h2>
      <p class="muted">{s.inviteIntro}</p>
      <RequiredNote lang={props.lang} />
      <Label for="friend-email" required>
        {s.friendEmail}
      </Label>
      <input id="friend-email" type="email" autocomplete="off" required value={email} onInput={(e) => setEmail(inputValue(e))} {...fieldAttrs(problem, 'email', 'friend-email')} />
      <FieldProblem lang={props.lang} problem={problem} field="email" id="friend-email" label={s.friendEmail} />
      <label for="friend-message">{s.personalMessage}</label>
      <textarea id="friend-message" maxLength={1000} rows={3} value={message} onInput={(e) => setMessage(inputValue(e))} {...fieldAttrs(problem, 'message', 'friend-message')} />
      <FieldProblem lang={props.lang} problem={problem} field="message" id="friend-message" />
      <FormLevelProblem lang={props.lang} problem={problem} fields={['email', 'message']} />
      <Done show={!!done} text={done ? s.invitationSent(done) : ''} />
      <button type="submit">{s.sendInvitation}</button>
    </form>
  );
}

export function Sessions(props: { lang: Lang; onSignedOut: () => void }) {
  const s = strings[props.lang];
  const heading = useFocusHeading();
  const [list, setList] = useState<Session[]>();
  const [error, fail] = useError();
  const load = () => api.sessions().then((r) => setList(r.sessions), fail);
  useEffect(() => {
    load();
  }, []);
  const revoke = async (id: string) => {
    await api.revokeSession(id).catch(fail);
    load();
  };
  const everywhere = async () => {
    await api.signOutEverywhere().catch(fail);
    props.onSignedOut();
  };
  return (
    <section>
      <h1 tabIndex={-1} ref={heading}>
        {s.sessionsTitle}
      </h1>
      <Problem lang={props.lang} code={error} />
      <ul class="list">
        {(list ?? []).map((x) => (
          <li key={x.id}>
            <strong>{x.current ? s.thisDevice : x.device || s.unknownDevice}</strong>
            <span class="muted">{s.signedInOn(formatDate(props.lang, x.createdAt))}</span>
            {!x.current && (
              <button type="button" class="secondary small" onClick={() => revoke(x.id)}>
                {s.revoke}
              </button>
            )}
          </li>
        ))}
      </ul>
      <button type="button" onClick={everywhere}>
        {s.signOutEverywhere}
      </button>
    </section>
  );
}

// InvitationLanding is where an invitation link lands: who invites, their message, then
// the ways to sign up, all carrying the code.
export function InvitationLanding(props: { lang: Lang; code: string; error?: string }) {
  const s = strings[props.lang];
  const heading = useFocusHeading();
  const [inv, setInv] = useState<InvitationPublic>();
  const [invalid, setInvalid] = useState(false);
  const [sent, setSent] = useState<string>();
  useEffect(() => {
    api.invitation(props.code).then(setInv, () => setInvalid(true));
  }, [props.code]);
  if (invalid || (inv && inv.state !== 'pending')) {
    return (
      <section>
        <h1 tabIndex={-1} ref={heading}>
          {s.title}
        </h1>
        <p class="error" role="alert">
          {s.invitationState[invalid ? 'invalid' : inv!.state]}
        </p>
      </section>
    );
  }
  if (!inv) return <p aria-busy="true">{s.loading}</p>;
  if (sent) return <Sent lang={props.lang} email={sent} onBack={() => setSent(undefined)} />;
  return (
    <section>
      <h1 tabIndex={-1} ref={heading}>
        {s.invitedTitle(s.person(inv.inviterName, inv.inviterDeleted))}
      </h1>
      {inv.message && <blockquote class="message">{inv.message}</blockquote>}
      <p class="muted">
        {s.invitedUntil(formatDate(props.lang, inv.validUntil))} {inv.email && s.invitedFor(inv.email)}
      </p>
      <SignIn lang={props.lang} invitation={props.code} error={props.error} onSent={setSent} />
    </section>
  );
}

// The staff roles an admin grants (the choices offered; granting them is members.roles).
const staffRoles = ['admin', 'moderator', 'support', 'marketer'];

// Admin is the page of the community's settings and of invitations: each form shows to
// whoever GET /api/me says may use it (may).
export function Admin(props: { lang: Lang; may: May }) {
  const s = strings[props.lang];
  const heading = useFocusHeading();
  const settings = props.may('community.settings');
  const invites = props.may('invitations.staff');
  return (
    <>
      <h1 tabIndex={-1} ref={heading}>
        {s.adminTitle}
      </h1>
      {settings && <AccessForm lang={props.lang} />}
      {settings && <SpaceSettingsForm lang={props.lang} />}
      {settings && <RulesForm lang={props.lang} />}
      {props.may('support.settings') && <SupportSettingsForm lang={props.lang} />}
      {invites && <BulkInvite lang={props.lang} grantsRoles={props.may('members.roles')} />}
      {invites && <LinkInvite lang={props.lang} />}
      {invites && <Pending lang={props.lang} />}
    </>
  );
}

function SpaceSettingsForm(props: { lang: Lang }) {
  const s = strings[props.lang];
  const [groups, setGroups] = useState<boolean>();
  const [saved, setSaved] = useState(false);
  const [error, fail, clear] = useError();
  useEffect(() => {
    api.spaceSettings().then((r) => setGroups(r.membersCreateGroups), fail);
  }, []);
  const submit = async (e: Event) => {
    e.preventDefault();
    clear();
    setSaved(false);
    try {
      setGroups((await api.saveSpaceSettings(!!groups)).membersCreateGroups);
      setSaved(true);
    } catch (err) {
      fail(err);
    }
  };
  return (
    <form class="section" onSubmit={submit} aria-labelledby="space-settings-title">
      <h2 id="space-settings-title">{s.spaceSettingsTitle}</h2>
      <label class="choice">
        <input
          type="checkbox"
          disabled={groups === undefined}
          checked={!!groups}
          onChange={(e) => setGroups((e.currentTarget as HTMLInputElement).checked)}
        />{' '}
        {s.membersCreateGroups}
      </label>
      <Problem lang={props.lang} code={error} />
      <Done show={saved} text={s.saved} />
      <button type="submit">{s.saveSpaceSettings}</button>
    </form>
  );
}

const severities = ['low', 'normal', 'high', 'urgent'];

function SupportSettingsForm(props: { lang: Lang }) {
  const s = strings[props.lang];
  const [st, setSt] = useState<SupportSettings>();
  const [products, setProducts] = useState('');
  const [saved, setSaved] = useState(false);
  const [problem, fail, set] = useFormProblem();
  useEffect(() => {
    api.supportSettings().then((r) => {
      setSt(r);
      setProducts(r.products.join('\n'));
    }, fail);
  }, []);
  const hours = (sev: string, which: 'firstResponseMinutes' | 'resolutionMinutes') => (st ? st.targets[sev][which] / 60 : 0);
  const setHours = (sev: string, which: 'firstResponseMinutes' | 'resolutionMinutes', v: string) =>
    st && setSt({ ...st, targets: { ...st.targets, [sev]: { ...st.targets[sev], [which]: Math.round(Number(v) * 60) } } });
  const submit = async (e: Event) => {
    e.preventDefault();
    set(undefined);
    setSaved(false);
    if (!st) return;
    const empty = missing([
      ['products', products],
      ['autoCloseDays', String(st.autoCloseDays || '')],
      ...severities.flatMap((sev) => [
        [`targets.${sev}.firstResponseMinutes`, String(st.targets[sev].firstResponseMinutes || '')],
        [`targets.${sev}.resolutionMinutes`, String(st.targets[sev].resolutionMinutes || '')],
      ] as [string, string][]),
    ]);
    if (empty) return set(empty);
    try {
      setSt(await api.saveSupportSettings({ ...st, products: products.split('\n').map((p) => p.trim()).filter(Boolean) }));
      setSaved(true);
    } catch (err) {
      fail(err);
    }
  };
  return (
    <form class="section" onSubmit={submit} noValidate aria-labelledby="support-settings-title">
      <h2 id="support-settings-title">{s.supportSettingsTitle}</h2>
      <RequiredNote lang={props.lang} />
      <fieldset disabled={!st}>
        <Label for="support-products" required>
          {s.supportProducts}
        </Label>
        <textarea id="support-products" rows={4} required value={products} onInput={(e) => setProducts(inputValue(e))} {...fieldAttrs(problem, 'products', 'support-products')} />
        <FieldProblem lang={props.lang} problem={problem} field="products" id="support-products" label={s.supportProducts} text={s.supportFieldProblems.products} />
        <Label for="support-autoclose" required>
          {s.autoCloseDays}
        </Label>
        <input
          id="support-autoclose"
          type="number"
          min={1}
          max={90}
          required
          value={st?.autoCloseDays || ''}
          onInput={(e) => st && setSt({ ...st, autoCloseDays: Number(inputValue(e)) })}
          {...fieldAttrs(problem, 'autoCloseDays', 'support-autoclose')}
        />
        <FieldProblem lang={props.lang} problem={problem} field="autoCloseDays" id="support-autoclose" label={s.autoCloseDays} text={s.supportFieldProblems.autoCloseDays} />
        {severities.map((sev) => (
          <div key={sev}>
            {(['firstResponseMinutes', 'resolutionMinutes'] as const).map((which) => {
              const id = `${which === 'firstResponseMinutes' ? 'fr' : 'res'}-${sev}`;
              const field = `targets.${sev}.${which}`;
              const label = which === 'firstResponseMinutes' ? s.firstResponseHours(s.severities[sev]) : s.resolutionHours(s.severities[sev]);
              return (
                <Fragment key={which}>
                  <Label for={id} required>
                    {label}
                  </Label>
                  <input id={id} type="number" min={0.1} step={0.1} required value={hours(sev, which) || ''}
                    onInput={(e) => setHours(sev, which, inputValue(e))} {...fieldAttrs(problem, field, id)} />
                  <FieldProblem lang={props.lang} problem={problem} field={field} id={id} label={label} text={s.supportFieldProblems[which]} />
                </Fragment>
              );
            })}
          </div>
        ))}
      </fieldset>
      <FormLevelProblem lang={props.lang} problem={problem} fields={['products', 'autoCloseDays', ...severities.flatMap((sev) => [`targets.${sev}.firstResponseMinutes`, `targets.${sev}.resolutionMinutes`])]} />
      <Done show={saved} text={s.saved} />
      <button type="submit">{s.saveSupportSettings}</button>
    </form>
  );
}

function RulesForm(props: { lang: Lang }) {
  const s = strings[props.lang];
  const [text, setText] = useState<string>();
  const [version, setVersion] = useState<number>();
  const [unchanged, setUnchanged] = useState(false);
  const [problem, fail, set] = useFormProblem();
  useEffect(() => {
    api.rules().then((r) => setText(r.text), fail);
  }, []);
  const submit = async (e: Event) => {
    e.preventDefault();
    set(undefined);
    setVersion(undefined);
    const empty = missing([['text', text ?? '']]);
    if (empty) return set(empty);
    try {
      const r = await api.saveRules(text ?? '');
      setUnchanged(!!r.unchanged);
      setVersion(r.version);
    } catch (err) {
      fail(err);
    }
  };
  return (
    <form class="section" onSubmit={submit} noValidate aria-labelledby="rules-edit-title">
      <h2 id="rules-edit-title">{s.rulesEditTitle}</h2>
      <RequiredNote lang={props.lang} />
      <Label for="rules-text" required>
        {s.rulesText}
      </Label>
      <textarea
        id="rules-text"
        rows={8}
        required
        disabled={text === undefined}
        value={text ?? ''}
        onInput={(e) => setText(inputValue(e))}
        {...fieldAttrs(problem, 'text', 'rules-text')}
      />
      <FieldProblem lang={props.lang} problem={problem} field="text" id="rules-text" label={s.rulesText} />
      <FormLevelProblem lang={props.lang} problem={problem} fields={['text']} />
      <Done show={version !== undefined} text={version === undefined ? '' : unchanged ? s.rulesUnchanged(version) : s.rulesSaved(version)} />
      <button type="submit">{s.saveRules}</button>
    </form>
  );
}

function AccessForm(props: { lang: Lang }) {
  const s = strings[props.lang];
  const [settings, setSettings] = useState<Settings>({ accessMode: 'open' });
  // The form stays disabled until the current settings are in, so a choice made
  // meanwhile is not overwritten by them.
  const [loaded, setLoaded] = useState(false);
  const [saved, setSaved] = useState(false);
  const [problem, fail, set] = useFormProblem();
  useEffect(() => {
    api.community().then((st) => {
      setSettings(st);
      setLoaded(true);
    }, fail);
  }, []);
  const submit = async (e: Event) => {
    e.preventDefault();
    set(undefined);
    setSaved(false);
    const body: Settings = { accessMode: settings.accessMode };
    if (settings.accessMode === 'hybrid') body.hybridRegistration = settings.hybridRegistration ?? 'open';
    try {
      setSettings(await api.saveAccess(body));
      setSaved(true);
    } catch (err) {
      fail(err);
    }
  };
  return (
    <form class="section" onSubmit={submit} aria-labelledby="access-title">
      <h2 id="access-title">{s.accessTitle}</h2>
      <fieldset disabled={!loaded} {...fieldAttrs(problem, 'accessMode', 'access-mode')}>
        <legend>{s.accessMode}</legend>
        {(['open', 'invite', 'hybrid'] as const).map((m) => (
          <label class="choice" key={m}>
            <input type="radio" name="mode" value={m} checked={settings.accessMode === m} onChange={() => setSettings({ ...settings, accessMode: m })} />
            {s.accessModes[m]}
          </label>
        ))}
        <FieldProblem lang={props.lang} problem={problem} field="accessMode" id="access-mode" />
      </fieldset>
      {settings.accessMode === 'hybrid' && (
        <>
          <label for="hybrid">{s.hybridRegistration}</label>
          <select
            id="hybrid"
            value={settings.hybridRegistration ?? 'open'}
            onChange={(e) => setSettings({ ...settings, hybridRegistration: (e.currentTarget as HTMLSelectElement).value as 'open' | 'invite' })}
          >
            <option value="open">{s.hybridOptions.open}</option>
            <option value="invite">{s.hybridOptions.invite}</option>
          </select>
        </>
      )}
      <FormLevelProblem lang={props.lang} problem={problem} fields={['accessMode']} />
      <Done show={saved} text={s.saved} />
      <button type="submit">{s.save}</button>
    </form>
  );
}

function RoleChoices(props: { lang: Lang; roles: string[]; onChange: (r: string[]) => void; prefix: string; problem?: FormProblem }) {
  const s = strings[props.lang];
  return (
    <fieldset {...fieldAttrs(props.problem, 'roles', `${props.prefix}-roles`)}>
      <legend>{s.rolesToGrant}</legend>
      {staffRoles.map((r) => (
        <label class="choice" key={r}>
          <input
            type="checkbox"
            name={`${props.prefix}-role`}
            value={r}
            checked={props.roles.includes(r)}
            onChange={(e) => props.onChange((e.currentTarget as HTMLInputElement).checked ? [...props.roles, r] : props.roles.filter((x) => x !== r))}
          />
          {s.roleNames[r]}
        </label>
      ))}
      <FieldProblem lang={props.lang} problem={props.problem} field="roles" id={`${props.prefix}-roles`} />
    </fieldset>
  );
}

// entriesOf reads the addresses typed in a box: one or more a line, separated by commas
// or semicolons, or by spaces when every word of the piece is an address (so "not an
// address" stays one wrong entry, named as typed), each with its line (from 1).
function entriesOf(text: string): { line: number; value: string }[] {
  return text.split('\n').flatMap((l, i) =>
    l
      .split(/[,;]/)
      .map((piece) => piece.trim())
      .filter(Boolean)
      .flatMap((piece) => {
        const words = piece.split(/\s+/);
        return words.every((w) => w.includes('@')) ? words : [piece];
      })
      .map((value) => ({ line: i + 1, value })),
  );
}

// BadLines is what a refused bulk invitation left: the entries sent, the wrong ones
// (their line in the box, as typed, why) and how many addresses are valid.
type BadLines = { sent: string[]; lines: { line: number; value: string; code: string }[]; valid: number };

function BulkInvite(props: { lang: Lang; grantsRoles: boolean }) {
  const s = strings[props.lang];
  const [emails, setEmails] = useState('');
  const [roles, setRoles] = useState<string[]>([]);
  const [message, setMessage] = useState('');
  const [days, setDays] = useState<number | ''>(14);
  const [done, setDone] = useState<{ sent: number; already: number; skipped: number }>();
  const [problem, fail, set] = useFormProblem();
  const [bad, setBad] = useState<BadLines>();
  // send invites the addresses of the box; skipInvalid (the person confirmed) invites
  // the valid ones of the list that was refused, and leaves the others in the box.
  const send = async (skipInvalid: boolean) => {
    set(undefined);
    setDone(undefined);
    const entries = entriesOf(emails);
    const list = skipInvalid && bad ? bad.sent : entries.map((x) => x.value);
    try {
      const r = await api.inviteBulk(list, roles, message, days === '' ? 0 : days, props.lang, skipInvalid);
      const skipped = r.skipped ?? [];
      setDone({ sent: r.invitations.length, already: r.alreadyInvited?.length ?? 0, skipped: skipped.length });
      setEmails(skipped.map((x) => x.value).join('\n'));
      setBad(undefined);
      window.dispatchEvent(new Event('invitations-changed'));
    } catch (err) {
      if (err instanceof ApiError && err.code === 'invalid_emails' && err.entries) {
        // The API numbers the entries sent; the box numbers its lines.
        setBad({ sent: list, lines: err.entries.map((x) => ({ ...x, line: entries[x.line - 1]?.line ?? x.line })), valid: err.valid ?? 0 });
      } else setBad(undefined);
      fail(err);
    }
  };
  const submit = (e: Event) => {
    e.preventDefault();
    const empty = missing([
      ['emails', emails],
      ['validDays', String(days)],
    ]);
    if (empty) {
      setBad(undefined);
      setDone(undefined);
      return set(empty);
    }
    send(false);
  };
  return (
    <form class="section" onSubmit={submit} noValidate aria-labelledby="bulk-title">
      <h2 id="bulk-title">{s.bulkTitle}</h2>
      <RequiredNote lang={props.lang} />
      <Label for="bulk-emails" required>
        {s.bulkEmails}
      </Label>
      <textarea
        id="bulk-emails"
        rows={4}
        required
        value={emails}
        onInput={(e) => {
          setEmails(inputValue(e));
          // The lines named no longer match the box.
          setBad(undefined);
        }}
        {...fieldAttrs(problem, 'emails', 'bulk-emails')}
      />
      {problem?.field === 'emails' && bad ? (
        <div class="error field-error" role="alert" id="bulk-emails-error">
          <p>{s.badLines(new Set(bad.lines.map((x) => x.line)).size)}</p>
          <ul class="bad-lines">
            {bad.lines.map((x) => (
              <li key={`${x.line}-${x.value}`}>
                {s.badLine(x.line, x.value)} — {errorText(s, x.code)}
              </li>
            ))}
          </ul>
          <p>{s.badLinesFix}</p>
          {bad.valid > 0 && (
            <button type="button" class="secondary" onClick={() => send(true)}>
              {s.sendToValid(bad.valid)}
            </button>
          )}
        </div>
      ) : (
        <FieldProblem lang={props.lang} problem={problem} field="emails" id="bulk-emails" label={s.bulkEmails} />
      )}
      {props.grantsRoles && <RoleChoices lang={props.lang} roles={roles} onChange={setRoles} prefix="bulk" problem={problem} />}
      <label for="bulk-message">{s.personalMessage}</label>
      <textarea id="bulk-message" rows={3} maxLength={1000} value={message} onInput={(e) => setMessage(inputValue(e))} {...fieldAttrs(problem, 'message', 'bulk-message')} />
      <FieldProblem lang={props.lang} problem={problem} field="message" id="bulk-message" />
      <Label for="bulk-days" required>
        {s.validDays}
      </Label>
      <input
        id="bulk-days"
        type="number"
        min={1}
        max={30}
        required
        value={days}
        onInput={(e) => setDays(inputValue(e) === '' ? '' : Number(inputValue(e)))}
        {...fieldAttrs(problem, 'validDays', 'bulk-days')}
      />
      <FieldProblem lang={props.lang} problem={problem} field="validDays" id="bulk-days" label={s.validDays} />
      <FormLevelProblem lang={props.lang} problem={problem} fields={['emails', 'message', 'validDays', ...(props.grantsRoles ? ['roles'] : [])]} />
      <Done show={done !== undefined} text={done ? s.bulkSent(done.sent, done.already) + (done.skipped > 0 ? ` ${s.bulkSkipped(done.skipped)}` : '') : ''} />
      <button type="submit">{s.sendInvitation}</button>
    </form>
  );
}

function LinkInvite(props: { lang: Lang }) {
  const s = strings[props.lang];
  const [uses, setUses] = useState<number | ''>(10);
  const [days, setDays] = useState<number | ''>(14);
  const [link, setLink] = useState<string>();
  const [problem, fail, set] = useFormProblem();
  const submit = async (e: Event) => {
    e.preventDefault();
    set(undefined);
    setLink(undefined);
    const empty = missing([
      ['maxUses', String(uses)],
      ['validDays', String(days)],
    ]);
    if (empty) return set(empty);
    try {
      setLink((await api.createLink(Number(uses), Number(days), [])).link);
      window.dispatchEvent(new Event('invitations-changed'));
    } catch (err) {
      fail(err);
    }
  };
  const number = (e: Event) => (inputValue(e) === '' ? '' : Number(inputValue(e)));
  return (
    <form class="section" onSubmit={submit} noValidate aria-labelledby="link-title">
      <h2 id="link-title">{s.linkTitle}</h2>
      <RequiredNote lang={props.lang} />
      <Label for="link-uses" required>
        {s.maxUses}
      </Label>
      <input id="link-uses" type="number" min={1} max={1000} required value={uses} onInput={(e) => setUses(number(e))} {...fieldAttrs(problem, 'maxUses', 'link-uses')} />
      <FieldProblem lang={props.lang} problem={problem} field="maxUses" id="link-uses" label={s.maxUses} />
      <Label for="link-days" required>
        {s.validDays}
      </Label>
      <input id="link-days" type="number" min={1} max={30} required value={days} onInput={(e) => setDays(number(e))} {...fieldAttrs(problem, 'validDays', 'link-days')} />
      <FieldProblem lang={props.lang} problem={problem} field="validDays" id="link-days" label={s.validDays} />
      <FormLevelProblem lang={props.lang} problem={problem} fields={['maxUses', 'validDays']} />
      {link && (
        <p role="status">
          {s.linkCreated} <code class="link">{link}</code>
        </p>
      )}
      <button type="submit">{s.createLink}</button>
    </form>
  );
}

function Pending(props: { lang: Lang }) {
  const s = strings[props.lang];
  const [list, setList] = useState<Invitation[]>([]);
  const [error, fail] = useError();
  const load = () => api.pending().then((r) => setList(r.invitations), fail);
  useEffect(() => {
    load();
    window.addEventListener('invitations-changed', load);
    return () => window.removeEventListener('invitations-changed', load);
  }, []);
  const act = async (f: () => Promise<unknown>) => {
    await f().catch(fail);
    load();
  };
  return (
    <section class="section" aria-labelledby="pending-title">
      <h2 id="pending-title">{s.pendingTitle}</h2>
      <Problem lang={props.lang} code={error} />
      {list.length === 0 && <p class="muted">{s.noPending}</p>}
      <ul class="list">
        {list.map((i) => (
          <li key={i.id}>
            <strong>{i.email ?? s.shareableLink}</strong>
            <span class="muted">
              {s.invitationUses(i.uses, i.maxUses)} · {s.invitedUntil(formatDate(props.lang, i.validUntil))}
            </span>
            <span class="actions">
              {i.kind === 'email' && (
                <button type="button" class="secondary small" onClick={() => act(() => api.resendInvitation(i.id))}>
                  {s.resend}
                  <span class="visually-hidden"> {i.email}</span>
                </button>
              )}
              <button type="button" class="secondary small" onClick={() => act(() => api.revokeInvitation(i.id))}>
                {s.revokeInvitation}
                <span class="visually-hidden"> {i.email ?? s.shareableLink}</span>
              </button>
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
