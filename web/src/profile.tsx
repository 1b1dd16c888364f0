import { useEffect, useState } from 'preact/hooks';
import { savePreferences } from './knowledge-api';
import { Action, api, DirectoryEntry, Me, Member, Profile, PublicProfile, StaffFields, uploadFile } from './api';
import { formatDate, Lang, langs, strings } from './i18n';
import { codeOf, Done, fieldAttrs, FieldProblem, FormLevelProblem, FormProblem, Label, LoadProblem, missing, problemOf, RequiredNote } from './ui';
import { useFocusHeading } from './signin';
import { MemberPosts } from './spaces';
import { MemberBadges, MemberRank } from './rewards';

// The staff roles an admin grants (the choices of the roles editor).
const staffRoles = ['admin', 'moderator', 'support', 'marketer'];
const tags = (v: string) => v.split(',').map((t) => t.trim()).filter(Boolean);
const inputValue = (e: Event) => (e.currentTarget as HTMLInputElement).value;

// The avatar's problems are about its file, whatever the API calls the field.
const avatarFields: Record<string, string> = { avatar_type: 'avatar', avatar_too_large: 'avatar', avatar_empty: 'avatar', avatar_not_uploaded: 'avatar' };
// The profile form's fields, in its order.
const profileFields = ['displayName', 'bio', 'expertise', 'interests', 'company', 'location', 'links', 'locale'];


// StaffBadge marks a member of the community's staff (any staff role) wherever their
// name is shown: directory, profile, bylines.
export function StaffBadge(props: { lang: Lang }) {
  return <span class="badge staff-badge">{strings[props.lang].staffBadge}</span>;
}

export function Avatar(props: { id: string; name: string; has: boolean; lang: Lang; size?: number; version?: number }) {
  const s = strings[props.lang];
  const size = props.size ?? 48;
  if (!props.has) {
    return (
      <span class="avatar placeholder" aria-hidden="true" style={{ width: `${size}px`, height: `${size}px` }}>
        {props.name.slice(0, 1).toUpperCase()}
      </span>
    );
  }
  return <img class="avatar" src={`/api/members/${props.id}/avatar?v=${props.version ?? 0}`} alt={s.avatarOf(props.name)} width={size} height={size} />;
}

// EditProfile is the signed-in member's own profile, avatar, export and deletion.
export function EditProfile(props: { lang: Lang; member: Member; onSaved: (m: Member) => void; onDeleted: () => void }) {
  const s = strings[props.lang];
  const heading = useFocusHeading();
  const m = props.member;
  const [form, setForm] = useState({
    displayName: m.displayName, bio: m.bio ?? '', expertise: (m.expertise ?? []).join(', '), interests: (m.interests ?? []).join(', '),
    company: m.company ?? '', location: m.location ?? '', links: (m.links ?? []).join('\n'), locale: m.locale,
  });
  const [problem, setProblem] = useState<FormProblem>();
  const [saved, setSaved] = useState(false);
  const [avatarProblem, setAvatarProblem] = useState<FormProblem>();
  const [avatarDone, setAvatarDone] = useState(0);
  const set = (k: keyof typeof form) => (e: Event) => setForm({ ...form, [k]: (e.currentTarget as HTMLInputElement).value });
  const submit = async (e: Event) => {
    e.preventDefault();
    setProblem(undefined);
    setSaved(false);
    const empty = missing([['displayName', form.displayName]]);
    if (empty) return setProblem(empty);
    const p: Profile = { displayName: form.displayName, bio: form.bio, expertise: tags(form.expertise), interests: tags(form.interests),
      company: form.company, location: form.location, links: form.links.split('\n').map((l) => l.trim()).filter(Boolean), locale: form.locale };
    try {
      props.onSaved(await api.saveProfile(p));
      setSaved(true);
    } catch (err) {
      setProblem(problemOf(err));
    }
  };
  const upload = async (e: Event) => {
    e.preventDefault();
    setAvatarProblem(undefined);
    const file = (document.getElementById('avatar-file') as HTMLInputElement).files?.[0];
    if (!file) return setAvatarProblem({ code: 'avatar_empty', field: 'avatar' });
    try {
      const up = await api.avatarUpload(file.type, file.size);
      await uploadFile(up.uploadUrl, file, up.contentType);
      props.onSaved(await api.confirmAvatar(up.key));
      setAvatarDone(avatarDone + 1);
    } catch (err) {
      setAvatarProblem(problemOf(err, avatarFields));
    }
  };
  const remove = async () => {
    if (!confirm(s.deleteConfirm)) return;
    await api.deleteAccount().catch((err) => setProblem({ code: codeOf(err) }));
    props.onDeleted();
  };
  return (
    <>
      <h1 tabIndex={-1} ref={heading}>
        {s.profileTitle}
      </h1>
      <form onSubmit={upload} class="avatar-form" noValidate>
        <Avatar id={m.id} name={m.displayName} has={m.hasAvatar} lang={props.lang} size={72} version={avatarDone} />
        <div>
          <RequiredNote lang={props.lang} />
          <Label for="avatar-file" required>
            {s.avatar}
          </Label>
          <input id="avatar-file" type="file" required accept="image/png,image/jpeg,image/webp" {...fieldAttrs(avatarProblem, 'avatar', 'avatar-file')} />
          <FieldProblem lang={props.lang} problem={avatarProblem} field="avatar" id="avatar-file" />
          <FormLevelProblem lang={props.lang} problem={avatarProblem} fields={['avatar']} />
          <Done show={avatarDone > 0} text={s.avatarSaved} />
          <button type="submit" class="secondary">
            {s.uploadAvatar}
          </button>
        </div>
      </form>
      <form class="section" onSubmit={submit} noValidate>
        <RequiredNote lang={props.lang} />
        <Label for="p-name" required>
          {s.displayName}
        </Label>
        <input id="p-name" required value={form.displayName} maxLength={60} onInput={set('displayName')} {...fieldAttrs(problem, 'displayName', 'p-name')} />
        <FieldProblem lang={props.lang} problem={problem} field="displayName" id="p-name" label={s.displayName} />
        <label for="p-bio">{s.bio}</label>
        <textarea id="p-bio" rows={4} maxLength={1000} value={form.bio} onInput={set('bio')} {...fieldAttrs(problem, 'bio', 'p-bio')} />
        <FieldProblem lang={props.lang} problem={problem} field="bio" id="p-bio" />
        <label for="p-exp">{s.expertise}</label>
        <input id="p-exp" value={form.expertise} onInput={set('expertise')} {...fieldAttrs(problem, 'expertise', 'p-exp')} />
        <FieldProblem lang={props.lang} problem={problem} field="expertise" id="p-exp" />
        <label for="p-int">{s.interests}</label>
        <input id="p-int" value={form.interests} onInput={set('interests')} {...fieldAttrs(problem, 'interests', 'p-int')} />
        <FieldProblem lang={props.lang} problem={problem} field="interests" id="p-int" />
        <label for="p-company">{s.company}</label>
        <input id="p-company" value={form.company} maxLength={100} onInput={set('company')} {...fieldAttrs(problem, 'company', 'p-company')} />
        <FieldProblem lang={props.lang} problem={problem} field="company" id="p-company" />
        <label for="p-loc">{s.location}</label>
        <input id="p-loc" value={form.location} maxLength={100} onInput={set('location')} {...fieldAttrs(problem, 'location', 'p-loc')} />
        <FieldProblem lang={props.lang} problem={problem} field="location" id="p-loc" />
        <label for="p-links">{s.links}</label>
        <textarea id="p-links" rows={3} value={form.links} onInput={set('links')} {...fieldAttrs(problem, 'links', 'p-links')} />
        <FieldProblem lang={props.lang} problem={problem} field="links" id="p-links" />
        <label for="p-lang">{s.profileLanguage}</label>
        <select id="p-lang" value={form.locale} onChange={set('locale')} {...fieldAttrs(problem, 'locale', 'p-lang')}>
          {langs.map((l) => (
            <option value={l} key={l}>
              {l === 'en' ? 'English' : 'Français'}
            </option>
          ))}
        </select>
        <FieldProblem lang={props.lang} problem={problem} field="locale" id="p-lang" />
        <FormLevelProblem lang={props.lang} problem={problem} fields={profileFields} />
        <Done show={saved} text={s.saved} />
        <button type="submit">{s.save}</button>
      </form>
      <section class="section">
        <label class="choice">
          <input
            type="checkbox"
            checked={m.activityEmails !== false}
            onChange={(e) => api.savePreferences((e.currentTarget as HTMLInputElement).checked).then(props.onSaved, (err) => setProblem({ code: codeOf(err) }))}
          />{' '}
          {s.activityEmails}
        </label>
        {/* The knowledge base's news (issue 16): articles and categories the member follows. */}
        <label class="choice">
          <input
            type="checkbox"
            checked={(m as typeof m & { knowledgeEmails?: boolean }).knowledgeEmails !== false}
            onChange={(e) => savePreferences({ activityEmails: m.activityEmails !== false, knowledgeEmails: (e.currentTarget as HTMLInputElement).checked }).then((saved) => props.onSaved(saved as typeof m), (err) => setProblem({ code: codeOf(err) }))}
          />{' '}
          {s.kb.knowledgeEmails}
        </label>
      </section>
      <section class="section">
        <a class="provider" href={api.exportUrl} download="tribune-export.json" aria-describedby="export-help">
          {s.exportData}
        </a>
        <p class="hint" id="export-help">
          {s.exportHelp}
        </p>
        <button type="button" class="danger" onClick={remove}>
          {s.deleteAccount}
        </button>
      </section>
    </>
  );
}

// Directory lists every member by name as soon as it opens, page by page; a search
// finds the members one of whose name's words starts with what was typed, or who list
// an expertise tag.
export function Directory(props: { lang: Lang; navigate: (p: string) => void }) {
  const s = strings[props.lang];
  const heading = useFocusHeading();
  const [q, setQ] = useState('');
  const [tag, setTag] = useState('');
  // shown is the search the list answers: nothing typed lists everyone.
  const [shown, setShown] = useState<{ q: string; tag: string }>({ q: '', tag: '' });
  const [list, setList] = useState<DirectoryEntry[]>();
  const [next, setNext] = useState<string>();
  const [problem, setProblem] = useState<FormProblem>();
  const error = problem?.code;
  const load = async (search: { q: string; tag: string }, cursor?: string) => {
    setProblem(undefined);
    try {
      const r = await api.directory({ ...search, cursor });
      setShown(search);
      // A member is listed once, even if a later page names them again.
      const seen = new Set(cursor ? (list ?? []).map((m) => m.id) : []);
      setList([...(cursor ? list ?? [] : []), ...r.members.filter((m) => !seen.has(m.id))]);
      setNext(r.next);
    } catch (err) {
      setProblem(problemOf(err));
    }
  };
  useEffect(() => {
    load({ q: '', tag: '' });
  }, []);
  const searching = shown.q !== '' || shown.tag !== '';
  return (
    <>
      <h1 tabIndex={-1} ref={heading}>
        {s.directoryTitle}
      </h1>
      <form
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          load(tag.trim() ? { q: '', tag: tag.trim() } : { q: q.trim(), tag: '' });
        }}
      >
        <label for="d-q">{s.searchName}</label>
        <input id="d-q" value={q} onInput={(e) => setQ(inputValue(e))} {...fieldAttrs(problem, 'q', 'd-q')} />
        <FieldProblem lang={props.lang} problem={problem} field="q" id="d-q" />
        <label for="d-tag">{s.searchTag}</label>
        <input id="d-tag" value={tag} onInput={(e) => setTag(inputValue(e))} {...fieldAttrs(problem, 'tag', 'd-tag')} />
        <FieldProblem lang={props.lang} problem={problem} field="tag" id="d-tag" />
        <span class="actions">
          <button type="submit">{s.search}</button>
          {searching && (
            <button
              type="button"
              class="secondary"
              onClick={() => {
                setQ('');
                setTag('');
                load({ q: '', tag: '' });
              }}
            >
              {s.showEveryone}
            </button>
          )}
        </span>
      </form>
      <FormLevelProblem lang={props.lang} problem={problem} fields={['q', 'tag']} />
      <h2 id="directory-list">{shown.tag ? s.membersTagged(shown.tag) : shown.q ? s.membersFound(shown.q) : s.everyoneByName}</h2>
      {list && list.length === 0 && <p>{s.noMembers}</p>}
      {list === undefined && !error && <p aria-busy="true">{s.loading}</p>}
      <ul class="list" aria-live="polite" aria-labelledby="directory-list">
        {(list ?? []).map((m) => (
          <li key={m.id}>
            <Avatar id={m.id} name={m.displayName} has={m.hasAvatar} lang={props.lang} size={32} />
            <a
              href={`/members/${m.id}`}
              onClick={(e) => {
                e.preventDefault();
                props.navigate(`/members/${m.id}`);
              }}
            >
              {m.displayName}
            </a>
            {m.staff && <StaffBadge lang={props.lang} />}
            {m.expertise.length > 0 && <span class="muted">{m.expertise.join(' · ')}</span>}
          </li>
        ))}
      </ul>
      {next && (
        <button type="button" class="secondary" onClick={() => load(shown, next)}>
          {s.more}
        </button>
      )}
    </>
  );
}

// MemberPage is a member's public profile; staff also see their section, admins the
// roles and moderators the moderation controls, as GET /api/me's actions say.
export function MemberPage(props: { lang: Lang; id: string; viewer: Me; navigate: (path: string) => void }) {
  const s = strings[props.lang];
  const heading = useFocusHeading();
  const [p, setP] = useState<PublicProfile>();
  const [error, setError] = useState<string>();
  // What the viewer may do: GET /api/me's actions (the API's permission table).
  const may = (a: Action) => props.viewer.actions.includes(a);
  useEffect(() => {
    api.profile(props.id).then(setP, (err) => setError(codeOf(err)));
  }, [props.id]);
  if (error) return <LoadProblem lang={props.lang} code={error} navigate={props.navigate} />;
  if (!p) return <p aria-busy="true">{s.loading}</p>;
  return (
    <>
      <div class="profile-head">
        <Avatar id={p.id} name={p.displayName} has={p.hasAvatar} lang={props.lang} size={72} />
        <div>
          <h1 tabIndex={-1} ref={heading}>
            {p.displayName}
          </h1>
          {p.staff && <StaffBadge lang={props.lang} />}
          <MemberRank lang={props.lang} id={p.id} badges={0} />
          <p class="muted">
            {[p.company, p.location, s.memberSince(formatDate(props.lang, p.createdAt))].filter(Boolean).join(' · ')}
          </p>
        </div>
      </div>
      {p.bio && <p class="bio">{p.bio}</p>}
      {p.expertise.length > 0 && (
        <p>
          <strong>{s.profileExpertise}</strong> {p.expertise.join(', ')}
        </p>
      )}
      {p.interests.length > 0 && (
        <p>
          <strong>{s.profileInterests}</strong> {p.interests.join(', ')}
        </p>
      )}
      {p.links.length > 0 && (
        <ul>
          {p.links.map((l) => (
            <li key={l}>
              <a href={l} rel="nofollow noopener noreferrer ugc" target="_blank">
                {l}
              </a>
            </li>
          ))}
        </ul>
      )}
      <MemberBadges lang={props.lang} id={p.id} />
      {may('rewards.staff') && (
        <p>
          <a href={`/rewards/admin?member=${encodeURIComponent(p.id)}`} onClick={(e) => (e.preventDefault(), props.navigate(`/rewards/admin?member=${encodeURIComponent(p.id)}`))}>
            {s.g2.staffPointsLink}
          </a>
        </p>
      )}
      {may('members.staff-fields') && <StaffSection lang={props.lang} id={p.id} />}
      {may('members.roles') && <RolesEditor lang={props.lang} profile={p} onChange={setP} />}
      {may('members.moderate') && p.id !== props.viewer.id && <Moderation lang={props.lang} id={p.id} />}
      <MemberPosts lang={props.lang} id={p.id} navigate={props.navigate} />
    </>
  );
}

function StaffSection(props: { lang: Lang; id: string }) {
  const s = strings[props.lang];
  const [f, setF] = useState<StaffFields>({ crmRef: '', leadStatus: '', notes: '' });
  const [problem, setProblem] = useState<FormProblem>();
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    api.staff(props.id).then(setF, (err) => setProblem({ code: codeOf(err) }));
  }, [props.id]);
  const submit = async (e: Event) => {
    e.preventDefault();
    setSaved(false);
    setProblem(undefined);
    try {
      setF(await api.saveStaff(props.id, f));
      setSaved(true);
    } catch (err) {
      setProblem(problemOf(err));
    }
  };
  return (
    <form class="section staff" onSubmit={submit} noValidate aria-labelledby="staff-title">
      <h2 id="staff-title">{s.staffSection}</h2>
      <label for="s-crm">{s.crmRef}</label>
      <input id="s-crm" maxLength={100} value={f.crmRef} onInput={(e) => setF({ ...f, crmRef: inputValue(e) })} {...fieldAttrs(problem, 'crmRef', 's-crm')} />
      <FieldProblem lang={props.lang} problem={problem} field="crmRef" id="s-crm" />
      <label for="s-lead">{s.leadStatus}</label>
      <select id="s-lead" value={f.leadStatus} onChange={(e) => setF({ ...f, leadStatus: (e.currentTarget as HTMLSelectElement).value })} {...fieldAttrs(problem, 'leadStatus', 's-lead')}>
        {Object.keys(s.leadStatuses).map((k) => (
          <option value={k} key={k}>
            {s.leadStatuses[k]}
          </option>
        ))}
      </select>
      <FieldProblem lang={props.lang} problem={problem} field="leadStatus" id="s-lead" />
      <label for="s-notes">{s.notes}</label>
      <textarea id="s-notes" rows={3} maxLength={4000} value={f.notes} onInput={(e) => setF({ ...f, notes: inputValue(e) })} {...fieldAttrs(problem, 'notes', 's-notes')} />
      <FieldProblem lang={props.lang} problem={problem} field="notes" id="s-notes" />
      <FormLevelProblem lang={props.lang} problem={problem} fields={['crmRef', 'leadStatus', 'notes']} />
      <Done show={saved} text={s.saved} />
      <button type="submit">{s.save}</button>
    </form>
  );
}

function RolesEditor(props: { lang: Lang; profile: PublicProfile; onChange: (p: PublicProfile) => void }) {
  const s = strings[props.lang];
  const [roles, setRoles] = useState(props.profile.roles);
  const [problem, setProblem] = useState<FormProblem>();
  const [saved, setSaved] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setProblem(undefined);
    setSaved(false);
    try {
      const m = await api.setRoles(props.profile.id, roles);
      props.onChange({ ...props.profile, roles: m.roles });
      setSaved(true);
    } catch (err) {
      setProblem(problemOf(err));
    }
  };
  return (
    <form class="section" onSubmit={submit} aria-labelledby="roles-title">
      <h2 id="roles-title">{s.rolesTitle}</h2>
      <fieldset {...fieldAttrs(problem, 'roles', 'roles-choice')}>
        <legend>{s.rolesTitle}</legend>
        {staffRoles.map((r) => (
          <label class="choice" key={r}>
            <input
              type="checkbox"
              checked={roles.includes(r)}
              onChange={(e) => setRoles((e.currentTarget as HTMLInputElement).checked ? [...roles, r] : roles.filter((x) => x !== r))}
            />
            {s.roleNames[r]}
          </label>
        ))}
        <FieldProblem lang={props.lang} problem={problem} field="roles" id="roles-choice" />
      </fieldset>
      <FormLevelProblem lang={props.lang} problem={problem} fields={['roles']} />
      <Done show={saved} text={s.saved} />
      <button type="submit">{s.saveRoles}</button>
    </form>
  );
}

function Moderation(props: { lang: Lang; id: string }) {
  const s = strings[props.lang];
  const [days, setDays] = useState<number | ''>(7);
  const [status, setStatus] = useState<string>();
  const [problem, setProblem] = useState<FormProblem>();
  const act = async (action: 'suspend' | 'ban' | 'reinstate') => {
    setProblem(undefined);
    // A suspension needs its days; the other actions none.
    const empty = action === 'suspend' ? missing([['days', String(days)]]) : undefined;
    if (empty) return setProblem(empty);
    try {
      setStatus((await api.moderate(props.id, action, action === 'suspend' ? Number(days) : undefined)).status);
    } catch (err) {
      setProblem(problemOf(err));
    }
  };
  return (
    <section class="section" aria-labelledby="mod-title">
      <h2 id="mod-title">{s.moderation}</h2>
      <RequiredNote lang={props.lang} />
      <Label for="m-days" required>
        {s.suspendDays}
      </Label>
      <input
        id="m-days"
        type="number"
        min={1}
        max={365}
        required
        value={days}
        onInput={(e) => setDays(inputValue(e) === '' ? '' : Number(inputValue(e)))}
        {...fieldAttrs(problem, 'days', 'm-days')}
      />
      <FieldProblem lang={props.lang} problem={problem} field="days" id="m-days" label={s.suspendDays} />
      <FormLevelProblem lang={props.lang} problem={problem} fields={['days']} />
      <Done show={!!status} text={status ? s.status(status) : ''} />
      <span class="actions">
        <button type="button" class="secondary" onClick={() => act('suspend')}>
          {s.suspend}
        </button>
        <button type="button" class="danger" onClick={() => act('ban')}>
          {s.ban}
        </button>
        <button type="button" class="secondary" onClick={() => act('reinstate')}>
          {s.reinstate}
        </button>
      </span>
    </section>
  );
}
