import { useEffect, useState } from 'preact/hooks';
import { api, DirectoryEntry, Member, Profile, PublicProfile, StaffFields, uploadFile } from './api';
import { formatDate, Lang, langs, strings } from './i18n';
import { codeOf, Done, LoadProblem, Problem } from './ui';
import { useFocusHeading } from './signin';
import { MemberPosts } from './spaces';

const staffRoles = ['admin', 'moderator', 'support', 'marketer'];
const tags = (v: string) => v.split(',').map((t) => t.trim()).filter(Boolean);


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
  const [error, setError] = useState<string>();
  const [saved, setSaved] = useState(false);
  const [avatarError, setAvatarError] = useState<string>();
  const [avatarDone, setAvatarDone] = useState(0);
  const set = (k: keyof typeof form) => (e: Event) => setForm({ ...form, [k]: (e.currentTarget as HTMLInputElement).value });
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    setSaved(false);
    const p: Profile = { displayName: form.displayName, bio: form.bio, expertise: tags(form.expertise), interests: tags(form.interests),
      company: form.company, location: form.location, links: form.links.split('\n').map((l) => l.trim()).filter(Boolean), locale: form.locale };
    try {
      props.onSaved(await api.saveProfile(p));
      setSaved(true);
    } catch (err) {
      setError(codeOf(err));
    }
  };
  const upload = async (e: Event) => {
    e.preventDefault();
    setAvatarError(undefined);
    const file = (document.getElementById('avatar-file') as HTMLInputElement).files?.[0];
    if (!file) return setAvatarError('avatar_empty');
    try {
      const up = await api.avatarUpload(file.type, file.size);
      await uploadFile(up.uploadUrl, file, up.contentType);
      props.onSaved(await api.confirmAvatar(up.key));
      setAvatarDone(avatarDone + 1);
    } catch (err) {
      setAvatarError(codeOf(err));
    }
  };
  const remove = async () => {
    if (!confirm(s.deleteConfirm)) return;
    await api.deleteAccount().catch((err) => setError(codeOf(err)));
    props.onDeleted();
  };
  return (
    <>
      <h1 tabIndex={-1} ref={heading}>
        {s.profileTitle}
      </h1>
      <form onSubmit={upload} class="avatar-form">
        <Avatar id={m.id} name={m.displayName} has={m.hasAvatar} lang={props.lang} size={72} version={avatarDone} />
        <div>
          <label id="avatar-label" for="avatar-file">
            {s.avatar}
          </label>
          <input id="avatar-file" type="file" accept="image/png,image/jpeg,image/webp" />
          <Problem lang={props.lang} code={avatarError} />
          <Done show={avatarDone > 0} text={s.avatarSaved} />
          <button type="submit" class="secondary">
            {s.uploadAvatar}
          </button>
        </div>
      </form>
      <form class="section" onSubmit={submit} noValidate>
        <label for="p-name">{s.displayName}</label>
        <input id="p-name" value={form.displayName} maxLength={60} onInput={set('displayName')} />
        <label for="p-bio">{s.bio}</label>
        <textarea id="p-bio" rows={4} maxLength={1000} value={form.bio} onInput={set('bio')} />
        <label for="p-exp">{s.expertise}</label>
        <input id="p-exp" value={form.expertise} onInput={set('expertise')} />
        <label for="p-int">{s.interests}</label>
        <input id="p-int" value={form.interests} onInput={set('interests')} />
        <label for="p-company">{s.company}</label>
        <input id="p-company" value={form.company} maxLength={100} onInput={set('company')} />
        <label for="p-loc">{s.location}</label>
        <input id="p-loc" value={form.location} maxLength={100} onInput={set('location')} />
        <label for="p-links">{s.links}</label>
        <textarea id="p-links" rows={3} value={form.links} onInput={set('links')} />
        <label for="p-lang">{s.profileLanguage}</label>
        <select id="p-lang" value={form.locale} onChange={set('locale')}>
          {langs.map((l) => (
            <option value={l} key={l}>
              {l === 'en' ? 'English' : 'Français'}
            </option>
          ))}
        </select>
        <Problem lang={props.lang} code={error} />
        <Done show={saved} text={s.saved} />
        <button type="submit">{s.save}</button>
      </form>
      <section class="section">
        <label class="choice">
          <input
            type="checkbox"
            checked={m.activityEmails !== false}
            onChange={(e) => api.savePreferences((e.currentTarget as HTMLInputElement).checked).then(props.onSaved, (err) => setError(codeOf(err)))}
          />{' '}
          {s.activityEmails}
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
  const [error, setError] = useState<string>();
  const load = async (search: { q: string; tag: string }, cursor?: string) => {
    setError(undefined);
    try {
      const r = await api.directory({ ...search, cursor });
      setShown(search);
      // A member is listed once, even if a later page names them again.
      const seen = new Set(cursor ? (list ?? []).map((m) => m.id) : []);
      setList([...(cursor ? list ?? [] : []), ...r.members.filter((m) => !seen.has(m.id))]);
      setNext(r.next);
    } catch (err) {
      setError(codeOf(err));
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
        <input id="d-q" value={q} onInput={(e) => setQ((e.currentTarget as HTMLInputElement).value)} />
        <label for="d-tag">{s.searchTag}</label>
        <input id="d-tag" value={tag} onInput={(e) => setTag((e.currentTarget as HTMLInputElement).value)} />
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
      <Problem lang={props.lang} code={error} />
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
// roles and moderators the moderation controls (the API enforces the same rules).
export function MemberPage(props: { lang: Lang; id: string; viewer: Member; navigate: (path: string) => void }) {
  const s = strings[props.lang];
  const heading = useFocusHeading();
  const [p, setP] = useState<PublicProfile>();
  const [error, setError] = useState<string>();
  const roles = props.viewer.roles;
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
      {roles.some((r) => staffRoles.includes(r)) && <StaffSection lang={props.lang} id={p.id} />}
      {roles.includes('admin') && <RolesEditor lang={props.lang} profile={p} onChange={setP} />}
      {(roles.includes('admin') || roles.includes('moderator')) && p.id !== props.viewer.id && <Moderation lang={props.lang} id={p.id} />}
      <MemberPosts lang={props.lang} id={p.id} navigate={props.navigate} />
    </>
  );
}

function StaffSection(props: { lang: Lang; id: string }) {
  const s = strings[props.lang];
  const [f, setF] = useState<StaffFields>({ crmRef: '', leadStatus: '', notes: '' });
  const [error, setError] = useState<string>();
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    api.staff(props.id).then(setF, (err) => setError(codeOf(err)));
  }, [props.id]);
  const submit = async (e: Event) => {
    e.preventDefault();
    setSaved(false);
    setError(undefined);
    try {
      setF(await api.saveStaff(props.id, f));
      setSaved(true);
    } catch (err) {
      setError(codeOf(err));
    }
  };
  return (
    <form class="section staff" onSubmit={submit} aria-labelledby="staff-title">
      <h2 id="staff-title">{s.staffSection}</h2>
      <label for="s-crm">{s.crmRef}</label>
      <input id="s-crm" maxLength={100} value={f.crmRef} onInput={(e) => setF({ ...f, crmRef: (e.currentTarget as HTMLInputElement).value })} />
      <label for="s-lead">{s.leadStatus}</label>
      <select id="s-lead" value={f.leadStatus} onChange={(e) => setF({ ...f, leadStatus: (e.currentTarget as HTMLSelectElement).value })}>
        {Object.keys(s.leadStatuses).map((k) => (
          <option value={k} key={k}>
            {s.leadStatuses[k]}
          </option>
        ))}
      </select>
      <label for="s-notes">{s.notes}</label>
      <textarea id="s-notes" rows={3} maxLength={4000} value={f.notes} onInput={(e) => setF({ ...f, notes: (e.currentTarget as HTMLTextAreaElement).value })} />
      <Problem lang={props.lang} code={error} />
      <Done show={saved} text={s.saved} />
      <button type="submit">{s.save}</button>
    </form>
  );
}

function RolesEditor(props: { lang: Lang; profile: PublicProfile; onChange: (p: PublicProfile) => void }) {
  const s = strings[props.lang];
  const [roles, setRoles] = useState(props.profile.roles);
  const [error, setError] = useState<string>();
  const [saved, setSaved] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    setSaved(false);
    try {
      const m = await api.setRoles(props.profile.id, roles);
      props.onChange({ ...props.profile, roles: m.roles });
      setSaved(true);
    } catch (err) {
      setError(codeOf(err));
    }
  };
  return (
    <form class="section" onSubmit={submit} aria-labelledby="roles-title">
      <h2 id="roles-title">{s.rolesTitle}</h2>
      <fieldset>
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
      </fieldset>
      <Problem lang={props.lang} code={error} />
      <Done show={saved} text={s.saved} />
      <button type="submit">{s.saveRoles}</button>
    </form>
  );
}

function Moderation(props: { lang: Lang; id: string }) {
  const s = strings[props.lang];
  const [days, setDays] = useState(7);
  const [status, setStatus] = useState<string>();
  const [error, setError] = useState<string>();
  const act = async (action: 'suspend' | 'ban' | 'reinstate') => {
    setError(undefined);
    try {
      setStatus((await api.moderate(props.id, action, action === 'suspend' ? days : undefined)).status);
    } catch (err) {
      setError(codeOf(err));
    }
  };
  return (
    <section class="section" aria-labelledby="mod-title">
      <h2 id="mod-title">{s.moderation}</h2>
      <label for="m-days">{s.suspendDays}</label>
      <input id="m-days" type="number" min={1} max={365} value={days} onInput={(e) => setDays(Number((e.currentTarget as HTMLInputElement).value))} />
      <Problem lang={props.lang} code={error} />
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
