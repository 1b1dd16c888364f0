// The audience builder (newsletters, issue 13, n2): a segment of the community chosen
// by name (spaces, roles, languages), activity over a number of days and a join date,
// with the live count of the members it reaches on a list (those who chose the list, at
// an address not on the suppression list). The newsletter editor embeds it.
import { useEffect, useState } from 'preact/hooks';
import { audienceApi, NewsletterList, newsletterLists, Segment } from './api';
import { errorText, Lang, strings } from './i18n';
import { Checks, SpaceChecks } from './pickers';
import { codeOf } from './ui';

// emptySegment is everyone.
export const emptySegment = (): Segment => ({ spaceIds: [], roles: [], languages: [] });

const roles = ['member', 'moderator', 'support', 'marketer', 'admin'];
const languages = ['en', 'fr'];

// ListSelect chooses a newsletter list by name.
export function ListSelect(props: { lang: Lang; id: string; value: NewsletterList; onChange: (l: NewsletterList) => void }) {
  const s = strings[props.lang].nl2;
  return (
    <>
      <label for={props.id}>{s.list}</label>
      <select id={props.id} value={props.value} onChange={(e) => props.onChange((e.currentTarget as HTMLSelectElement).value as NewsletterList)}>
        {newsletterLists.map((l) => (
          <option key={l} value={l}>
            {s.listNames[l]}
          </option>
        ))}
      </select>
    </>
  );
}

type Activity = 'any' | 'active' | 'inactive';

// AudienceBuilder edits segment (onChange on every change) and shows its live count on
// list, counted by the API a moment after the last change. id prefixes its inputs' ids.
export function AudienceBuilder(props: { lang: Lang; id: string; list: NewsletterList; segment: Segment; onChange: (s: Segment) => void }) {
  const t = strings[props.lang];
  const s = t.nl2;
  const seg = props.segment;
  const activity: Activity = seg.activeDays ? 'active' : seg.inactiveDays ? 'inactive' : 'any';
  const days = seg.activeDays || seg.inactiveDays || 30;
  const [count, setCount] = useState<{ n?: number; code?: string; busy: boolean }>({ busy: true });
  const key = JSON.stringify([props.list, seg]);
  useEffect(() => {
    let live = true;
    setCount((c) => ({ ...c, busy: true }));
    const timer = setTimeout(() => {
      audienceApi.count(props.list, seg).then(
        (r) => live && setCount({ n: r.count, busy: false }),
        (e) => live && setCount({ code: codeOf(e), busy: false }),
      );
    }, 300);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [key]);
  const set = (patch: Partial<Segment>) => props.onChange({ ...seg, ...patch });
  const setActivity = (a: Activity, n = days) =>
    set({ activeDays: a === 'active' ? n : undefined, inactiveDays: a === 'inactive' ? n : undefined });
  const joined = seg.joinedAfter ? seg.joinedAfter.slice(0, 10) : '';
  const today = new Date().toISOString().slice(0, 10);
  return (
    <fieldset class="audience" id={props.id}>
      <legend>{s.segment}</legend>
      <SpaceChecks lang={props.lang} id={`${props.id}-spaces`} legend={s.spaces} value={seg.spaceIds} onChange={(spaceIds) => set({ spaceIds })} />
      <Checks id={`${props.id}-roles`} legend={s.roles} options={roles.map((r) => ({ id: r, name: s.roleNames[r] }))} value={seg.roles} onChange={(r) => set({ roles: r })} />
      <Checks
        id={`${props.id}-languages`}
        legend={s.languages}
        options={languages.map((l) => ({ id: l, name: s.langNames[l] }))}
        value={seg.languages}
        onChange={(l) => set({ languages: l })}
      />
      <label for={`${props.id}-activity`}>{s.activity}</label>
      <select id={`${props.id}-activity`} value={activity} onChange={(e) => setActivity((e.currentTarget as HTMLSelectElement).value as Activity)}>
        <option value="any">{s.anyActivity}</option>
        <option value="active">{s.activeIn}</option>
        <option value="inactive">{s.inactiveFor}</option>
      </select>
      {activity !== 'any' && (
        <>
          <label for={`${props.id}-days`}>{s.days}</label>
          <input
            id={`${props.id}-days`}
            type="number"
            inputMode="numeric"
            min={1}
            max={3650}
            value={days}
            onInput={(e) => {
              const n = Number((e.currentTarget as HTMLInputElement).value);
              if (Number.isInteger(n)) setActivity(activity, n);
            }}
          />
        </>
      )}
      <label for={`${props.id}-joined`}>{s.joinedAfter}</label>
      <input
        id={`${props.id}-joined`}
        type="date"
        max={today}
        value={joined}
        onInput={(e) => {
          const v = (e.currentTarget as HTMLInputElement).value;
          set({ joinedAfter: v ? new Date(`${v}T00:00:00`).toISOString() : undefined });
        }}
      />
      <p class={count.code ? 'error' : 'count-live'} role="status" aria-live="polite" aria-busy={count.busy}>
        {count.code ? errorText(t, count.code) : count.n === undefined ? s.counting : s.count(count.n, s.listNames[props.list])}
      </p>
    </fieldset>
  );
}
