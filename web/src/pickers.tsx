// Pickers for staff forms (issue 12, round 2): a member found by name, a campaign chosen
// by title, a space chosen by name, instead of raw ids typed by hand.
import { useEffect, useState } from 'preact/hooks';
import { api, campaignsApi } from './api';
import { Lang, strings } from './i18n';

const val = (e: Event) => (e.currentTarget as HTMLInputElement).value;

export type Picked = { id: string; name: string };

// MemberPicker searches the member directory by name (from 2 characters) and offers at
// most 8 matches as buttons; choosing one calls onPick.
export function MemberPicker(props: { lang: Lang; id: string; label: string; onPick: (m: Picked) => void }) {
  const s = strings[props.lang];
  const [q, setQ] = useState('');
  const [found, setFound] = useState<Picked[]>();
  useEffect(() => {
    const term = q.trim();
    if (term.length < 2) {
      setFound(undefined);
      return;
    }
    let live = true;
    const t = setTimeout(() => {
      api.directory({ q: term }).then(
        (r) => live && setFound(r.members.slice(0, 8).map((m) => ({ id: m.id, name: m.displayName }))),
        () => live && setFound([]),
      );
    }, 250);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [q]);
  return (
    <div class="picker">
      <label for={props.id}>{props.label}</label>
      <input id={props.id} type="search" value={q} maxLength={60} autocomplete="off" aria-describedby={`${props.id}-hint`} onInput={(e) => setQ(val(e))} />
      <p id={`${props.id}-hint`} class="muted">
        {s.g2.memberHint}
      </p>
      {found && found.length === 0 && <p class="muted">{s.g2.noMember}</p>}
      {found && found.length > 0 && (
        <ul class="list picker-results" aria-label={s.g2.matches}>
          {found.map((m) => (
            <li key={m.id}>
              <button type="button" class="secondary" onClick={() => (props.onPick(m), setQ(''), setFound(undefined))}>
                {m.name}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

// CampaignPicker is a select of the campaigns by title and state (marketers and
// admins), with "none" first; ended campaigns are left out (a gift of one could never be
// offered), except the one already chosen.
export function CampaignPicker(props: { lang: Lang; id: string; value: string; disabled?: boolean; onChange: (id: string) => void; attrs?: Record<string, unknown> }) {
  const s = strings[props.lang];
  const [list, setList] = useState<Picked[]>([]);
  useEffect(() => {
    campaignsApi.all().then(
      (r) =>
        setList(
          r.campaigns
            .filter((c) => c.state !== 'ended' || c.id === props.value)
            .map((c) => ({ id: c.id, name: s.g4.campaignOption(c.title, s.campaigns.states[c.state] ?? c.state) })),
        ),
      () => setList([]),
    );
  }, [props.lang]);
  const known = !props.value || list.some((c) => c.id === props.value);
  return (
    <select id={props.id} value={props.value} disabled={props.disabled} onChange={(e) => props.onChange((e.currentTarget as HTMLSelectElement).value)} {...props.attrs}>
      <option value="">{s.g2.noCampaign}</option>
      {!known && <option value={props.value}>{props.value}</option>}
      {list.map((c) => (
        <option key={c.id} value={c.id}>
          {c.name}
        </option>
      ))}
    </select>
  );
}

// useEditorSpaces is every space the reader may see, by name, for a staff form: the
// directory plus the spaces they belong to (hidden ones included); a chosen id neither
// lists is read by itself (its name, or "a space you cannot see": never the id).
// (Issue 12, round 3.)
function useEditorSpaces(lang: Lang, chosen: string[]): Picked[] {
  const [list, setList] = useState<Picked[]>();
  const [more, setMore] = useState<Record<string, string>>({});
  useEffect(() => {
    let live = true;
    Promise.all([api.spaceDirectory().catch(() => ({ spaces: [] })), api.mySpaces().catch(() => ({ memberships: [] }))]).then(async ([dir, mine]) => {
      const out: Picked[] = dir.spaces.map((sp) => ({ id: sp.id, name: sp.name }));
      const others = mine.memberships.filter((m) => m.status === 'active' && !out.some((o) => o.id === m.spaceId)).map((m) => m.spaceId);
      const named = await Promise.all(others.map((id) => api.space(id).then((v) => ({ id, name: v.space.name }), () => undefined)));
      for (const n of named) if (n) out.push(n);
      out.sort((a, b) => a.name.localeCompare(b.name, lang));
      if (live) setList(out);
    });
    return () => {
      live = false;
    };
  }, []);
  const key = chosen.join(',');
  useEffect(() => {
    if (!list) return;
    for (const id of chosen) {
      if (!id || list.some((o) => o.id === id) || id in more) continue;
      setMore((m) => ({ ...m, [id]: '' }));
      api.space(id).then((v) => setMore((m) => ({ ...m, [id]: v.space.name })), () => undefined);
    }
  }, [key, list]);
  const s = strings[lang];
  const extra = chosen.filter((id) => id && list && !list.some((o) => o.id === id)).map((id) => ({ id, name: more[id] || s.g3.unseenSpace }));
  return [...(list ?? []), ...extra];
}

// SpacePicker is a select of the spaces the reader may see by name (useEditorSpaces),
// with "all spaces" first.
export function SpacePicker(props: { lang: Lang; id: string; value: string; onChange: (id: string) => void; attrs?: Record<string, unknown> }) {
  const s = strings[props.lang];
  const list = useEditorSpaces(props.lang, [props.value]);
  return (
    <select id={props.id} value={props.value} onChange={(e) => props.onChange((e.currentTarget as HTMLSelectElement).value)} {...props.attrs}>
      <option value="">{s.g2.allSpaces}</option>
      {!list.some((sp) => sp.id === props.value) && props.value && <option value={props.value}>{s.g3.unseenSpace}</option>}
      {list.map((sp) => (
        <option key={sp.id} value={sp.id}>
          {sp.name}
        </option>
      ))}
    </select>
  );
}

// Checks is a group of checkboxes under a legend, one per option, by name; value holds
// the chosen ids. A chosen id missing from the options (a space the reader cannot list)
// stays chosen and shows as itself.
export function Checks(props: { id: string; legend: string; options: Picked[]; value: string[]; onChange: (ids: string[]) => void; attrs?: Record<string, unknown> }) {
  const options = [...props.options, ...props.value.filter((v) => !props.options.some((o) => o.id === v)).map((v) => ({ id: v, name: v }))];
  const toggle = (id: string, on: boolean) => props.onChange(on ? [...props.value, id] : props.value.filter((v) => v !== id));
  return (
    <fieldset id={props.id} class="checks" {...props.attrs}>
      <legend>{props.legend}</legend>
      {options.map((o) => (
        <label key={o.id} class="check">
          <input type="checkbox" checked={props.value.includes(o.id)} onChange={(e) => toggle(o.id, (e.currentTarget as HTMLInputElement).checked)} /> {o.name}
        </label>
      ))}
    </fieldset>
  );
}

// SpaceChecks is Checks over the spaces the reader may see (useEditorSpaces).
export function SpaceChecks(props: { lang: Lang; id: string; legend: string; value: string[]; onChange: (ids: string[]) => void; attrs?: Record<string, unknown> }) {
  const list = useEditorSpaces(props.lang, props.value);
  return <Checks {...props} options={list} />;
}
