import { useEffect, useState } from 'preact/hooks';
import { api, Invitation, InvitationPublic, Member, Session, Settings, SupportSettings } from './api';
import { formatDate, Lang, strings } from './i18n';
import { codeOf, Done, Problem } from './ui';
import { Sent, SignIn, useFocusHeading } from './signin';

function useError(): [string | undefined, (e: unknown) => void, () => void] {
  const [error, setError] = useState<string>();
  return [error, (e) => setError(codeOf(e)), () => setError(undefined)];
}

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
  const [error, fail, clear] = useError();
  const submit = async (e: Event) => {
    e.preventDefault();
    clear();
    setDone(undefined);
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
      <label for="friend-email">{s.friendEmail}</label>
      <input id="friend-email" type="email" autocomplete="off" value={email} onInput={(e) => setEmail((e.currentTarget as HTMLInputElement).value)} />
      <label for="friend-message">{s.personalMessage}</label>
      <textarea id="friend-message" maxLength={1000} rows={3} value={message} onInput={(e) => setMessage((e.currentTarget as HTMLTextAreaElement).value)} />
      <Problem lang={props.lang} code={error} />
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

const staffRoles = ['admin', 'moderator', 'support', 'marketer'];

export function Admin(props: { lang: Lang; member: Member }) {
  const s = strings[props.lang];
  const heading = useFocusHeading();
  const isAdmin = props.member.roles.includes('admin');
  return (
    <>
      <h1 tabIndex={-1} ref={heading}>
        {s.adminTitle}
      </h1>
      {isAdmin && <AccessForm lang={props.lang} />}
      {isAdmin && <SpaceSettingsForm lang={props.lang} />}
      {isAdmin && <RulesForm lang={props.lang} />}
      {isAdmin && <SupportSettingsForm lang={props.lang} />}
      <BulkInvite lang={props.lang} isAdmin={isAdmin} />
      <LinkInvite lang={props.lang} />
      <Pending lang={props.lang} />
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

function SupportSettingsForm(props: { lang: Lang }) {
  const s = strings[props.lang];
  const [st, setSt] = useState<SupportSettings>();
  const [products, setProducts] = useState('');
  const [saved, setSaved] = useState(false);
  const [error, fail, clear] = useError();
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
    clear();
    setSaved(false);
    if (!st) return;
    try {
      setSt(await api.saveSupportSettings({ ...st, products: products.split('\n').map((p) => p.trim()).filter(Boolean) }));
      setSaved(true);
    } catch (err) {
      fail(err);
    }
  };
  return (
    <form class="section" onSubmit={submit} aria-labelledby="support-settings-title">
      <h2 id="support-settings-title">{s.supportSettingsTitle}</h2>
      <fieldset disabled={!st}>
        <label for="support-products">{s.supportProducts}</label>
        <textarea id="support-products" rows={4} value={products} onInput={(e) => setProducts((e.currentTarget as HTMLTextAreaElement).value)} />
        <label for="support-autoclose">{s.autoCloseDays}</label>
        <input
          id="support-autoclose"
          type="number"
          min={1}
          max={90}
          value={st?.autoCloseDays ?? 7}
          onInput={(e) => st && setSt({ ...st, autoCloseDays: Number((e.currentTarget as HTMLInputElement).value) })}
        />
        {['low', 'normal', 'high', 'urgent'].map((sev) => (
          <div key={sev}>
            <label for={`fr-${sev}`}>{s.firstResponseHours(s.severities[sev])}</label>
            <input id={`fr-${sev}`} type="number" min={0.1} step={0.1} value={hours(sev, 'firstResponseMinutes')}
              onInput={(e) => setHours(sev, 'firstResponseMinutes', (e.currentTarget as HTMLInputElement).value)} />
            <label for={`res-${sev}`}>{s.resolutionHours(s.severities[sev])}</label>
            <input id={`res-${sev}`} type="number" min={0.1} step={0.1} value={hours(sev, 'resolutionMinutes')}
              onInput={(e) => setHours(sev, 'resolutionMinutes', (e.currentTarget as HTMLInputElement).value)} />
          </div>
        ))}
      </fieldset>
      <Problem lang={props.lang} code={error} />
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
  const [error, fail, clear] = useError();
  useEffect(() => {
    api.rules().then((r) => setText(r.text), fail);
  }, []);
  const submit = async (e: Event) => {
    e.preventDefault();
    clear();
    try {
      const r = await api.saveRules(text ?? '');
      setUnchanged(!!r.unchanged);
      setVersion(r.version);
    } catch (err) {
      fail(err);
    }
  };
  return (
    <form class="section" onSubmit={submit} aria-labelledby="rules-edit-title">
      <h2 id="rules-edit-title">{s.rulesEditTitle}</h2>
      <label for="rules-text">{s.rulesText}</label>
      <textarea
        id="rules-text"
        rows={8}
        disabled={text === undefined}
        value={text ?? ''}
        onInput={(e) => setText((e.currentTarget as HTMLTextAreaElement).value)}
      />
      <Problem lang={props.lang} code={error} />
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
  const [error, fail, clear] = useError();
  useEffect(() => {
    api.community().then((st) => {
      setSettings(st);
      setLoaded(true);
    }, fail);
  }, []);
  const submit = async (e: Event) => {
    e.preventDefault();
    clear();
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
      <fieldset disabled={!loaded}>
        <legend>{s.accessMode}</legend>
        {(['open', 'invite', 'hybrid'] as const).map((m) => (
          <label class="choice" key={m}>
            <input type="radio" name="mode" value={m} checked={settings.accessMode === m} onChange={() => setSettings({ ...settings, accessMode: m })} />
            {s.accessModes[m]}
          </label>
        ))}
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
      <Problem lang={props.lang} code={error} />
      <Done show={saved} text={s.saved} />
      <button type="submit">{s.save}</button>
    </form>
  );
}

function RoleChoices(props: { lang: Lang; roles: string[]; onChange: (r: string[]) => void; prefix: string }) {
  const s = strings[props.lang];
  return (
    <fieldset>
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
    </fieldset>
  );
}

function BulkInvite(props: { lang: Lang; isAdmin: boolean }) {
  const s = strings[props.lang];
  const [emails, setEmails] = useState('');
  const [roles, setRoles] = useState<string[]>([]);
  const [message, setMessage] = useState('');
  const [days, setDays] = useState(14);
  const [done, setDone] = useState<[number, number]>();
  const [error, fail, clear] = useError();
  const submit = async (e: Event) => {
    e.preventDefault();
    clear();
    setDone(undefined);
    const list = emails.split(/[\s,;]+/).filter(Boolean);
    try {
      const r = await api.inviteBulk(list, roles, message, days, props.lang);
      setDone([r.invitations.length, r.alreadyInvited?.length ?? 0]);
      setEmails('');
      window.dispatchEvent(new Event('invitations-changed'));
    } catch (err) {
      fail(err);
    }
  };
  return (
    <form class="section" onSubmit={submit} noValidate aria-labelledby="bulk-title">
      <h2 id="bulk-title">{s.bulkTitle}</h2>
      <label for="bulk-emails">{s.bulkEmails}</label>
      <textarea id="bulk-emails" rows={4} value={emails} onInput={(e) => setEmails((e.currentTarget as HTMLTextAreaElement).value)} />
      {props.isAdmin && <RoleChoices lang={props.lang} roles={roles} onChange={setRoles} prefix="bulk" />}
      <label for="bulk-message">{s.personalMessage}</label>
      <textarea id="bulk-message" rows={3} maxLength={1000} value={message} onInput={(e) => setMessage((e.currentTarget as HTMLTextAreaElement).value)} />
      <label for="bulk-days">{s.validDays}</label>
      <input id="bulk-days" type="number" min={1} max={30} value={days} onInput={(e) => setDays(Number((e.currentTarget as HTMLInputElement).value))} />
      <Problem lang={props.lang} code={error} />
      <Done show={done !== undefined} text={s.bulkSent(done?.[0] ?? 0, done?.[1] ?? 0)} />
      <button type="submit">{s.sendInvitation}</button>
    </form>
  );
}

function LinkInvite(props: { lang: Lang }) {
  const s = strings[props.lang];
  const [uses, setUses] = useState(10);
  const [days, setDays] = useState(14);
  const [link, setLink] = useState<string>();
  const [error, fail, clear] = useError();
  const submit = async (e: Event) => {
    e.preventDefault();
    clear();
    try {
      setLink((await api.createLink(uses, days, [])).link);
      window.dispatchEvent(new Event('invitations-changed'));
    } catch (err) {
      fail(err);
    }
  };
  return (
    <form class="section" onSubmit={submit} noValidate aria-labelledby="link-title">
      <h2 id="link-title">{s.linkTitle}</h2>
      <label for="link-uses">{s.maxUses}</label>
      <input id="link-uses" type="number" min={1} max={1000} value={uses} onInput={(e) => setUses(Number((e.currentTarget as HTMLInputElement).value))} />
      <label for="link-days">{s.validDays}</label>
      <input id="link-days" type="number" min={1} max={30} value={days} onInput={(e) => setDays(Number((e.currentTarget as HTMLInputElement).value))} />
      <Problem lang={props.lang} code={error} />
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
