// Staff pages of points: the rules, daily caps and ranks (admins and marketers), and a
// member's points (history, badges granted by hand, points taken back for fraud).
import { useCallback, useEffect, useState } from 'preact/hooks';
import { api, LedgerEntry, May, pointsApi, RewardSettings } from './api';
import { MemberPicker, Picked } from './pickers';
import { Lang, strings } from './i18n';
import { entryText, History, RewardProblem } from './rewards';
import { useFocusHeading } from './signin';
import { codeOf } from './ui';

const value = (e: Event) => (e.currentTarget as HTMLInputElement).value;

function SettingsForm(props: { lang: Lang }) {
  const s = strings[props.lang];
  const [st, setSt] = useState<RewardSettings>();
  const [error, setError] = useState<string>();
  const [field, setField] = useState<string>();
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    pointsApi.settings().then(setSt, (e) => setError(codeOf(e)));
  }, []);
  if (!st) return <RewardProblem lang={props.lang} code={error} />;
  const rule = (i: number, patch: Partial<RewardSettings['rules'][number]>) =>
    setSt({ ...st, rules: st.rules.map((r, j) => (j === i ? { ...r, ...patch } : r)) });
  const rank = (i: number, patch: Partial<RewardSettings['ranks'][number]>) =>
    setSt({ ...st, ranks: st.ranks.map((r, j) => (j === i ? { ...r, ...patch } : r)) });
  const invalid = (f: string) => (field === f ? { 'aria-invalid': true as const, 'aria-describedby': 'reward-settings-problem' } : {});
  const submit = (e: Event) => {
    e.preventDefault();
    setSaved(false);
    setError(undefined);
    setField(undefined);
    pointsApi.saveSettings(st).then(
      (saved) => {
        setSt(saved);
        setSaved(true);
      },
      (err) => {
        setError(codeOf(err));
        setField((err as { field?: string }).field);
      },
    );
  };
  return (
    <form class="section" onSubmit={submit} noValidate aria-labelledby="reward-rules-title">
      <h2 id="reward-rules-title">{s.rewardsAdminTitle}</h2>
      {st.rules.map((r, i) => (
        <fieldset key={r.name} class="rule">
          <legend>{s.ruleNames[r.name] ?? r.name}</legend>
          <label class="choice">
            <input type="checkbox" checked={r.on} onChange={(e) => rule(i, { on: (e.currentTarget as HTMLInputElement).checked })} />
            {s.ruleOn}
          </label>
          <label for={`rule-${r.name}-points`}>{s.rulePoints}</label>
          <input id={`rule-${r.name}-points`} type="number" min={0} max={1000} value={r.points}
            onInput={(e) => rule(i, { points: Number(value(e)) })} {...invalid(`rules.${i}.points`)} />
          <label for={`rule-${r.name}-cap`}>{s.ruleCap}</label>
          <input id={`rule-${r.name}-cap`} type="number" min={0} max={100000} value={r.dailyCap}
            onInput={(e) => rule(i, { dailyCap: Number(value(e)) })} {...invalid(`rules.${i}.dailyCap`)} />
        </fieldset>
      ))}
      <label class="choice">
        <input type="checkbox" checked={st.staffEarn} onChange={(e) => setSt({ ...st, staffEarn: (e.currentTarget as HTMLInputElement).checked })} />
        {s.staffEarnLabel}
      </label>
      <h3>{s.ranksTitle}</h3>
      {st.ranks.map((r, i) => (
        <fieldset key={i} class="rank">
          <legend>{s.rankNumber(i + 1)}</legend>
          <label for={`rank-${i}-id`}>{s.rankIdLabel}</label>
          <input id={`rank-${i}-id`} value={r.id} maxLength={30} onInput={(e) => rank(i, { id: value(e) })} {...invalid(`ranks.${i}.id`)} />
          <label for={`rank-${i}-en`}>{s.rankEnLabel}</label>
          <input id={`rank-${i}-en`} lang="en" value={r.name.en} maxLength={40} onInput={(e) => rank(i, { name: { ...r.name, en: value(e) } })} {...invalid(`ranks.${i}.name.en`)} />
          <label for={`rank-${i}-fr`}>{s.rankFrLabel}</label>
          <input id={`rank-${i}-fr`} lang="fr" value={r.name.fr} maxLength={40} onInput={(e) => rank(i, { name: { ...r.name, fr: value(e) } })} {...invalid(`ranks.${i}.name.fr`)} />
          <label for={`rank-${i}-threshold`}>{s.rankThresholdLabel}</label>
          <input id={`rank-${i}-threshold`} type="number" min={0} value={r.threshold}
            onInput={(e) => rank(i, { threshold: Number(value(e)) })} {...invalid(`ranks.${i}.threshold`)} />
          {st.ranks.length > 1 && (
            <button type="button" class="secondary" onClick={() => setSt({ ...st, ranks: st.ranks.filter((_, j) => j !== i) })}>
              {s.removeRank}
            </button>
          )}
        </fieldset>
      ))}
      <button type="button" class="secondary" onClick={() => {
          const last = st.ranks[st.ranks.length - 1];
          setSt({ ...st, ranks: [...st.ranks, { id: '', name: { en: '', fr: '' }, threshold: (last?.threshold ?? 0) + 100 }] });
        }}>
        {s.addRank}
      </button>
      <div id="reward-settings-problem">
        <RewardProblem lang={props.lang} code={error} />
      </div>
      {saved && (
        <p class="ok" role="status">
          {s.savedNote}
        </p>
      )}
      <button type="submit">{s.saveRewardSettings}</button>
    </form>
  );
}

function MemberPoints(props: { lang: Lang }) {
  const s = strings[props.lang];
  // The member comes from the profile's staff link (?member=) or the picker by name.
  const [member, setMember] = useState(() => new URLSearchParams(location.search).get('member') ?? '');
  const [name, setName] = useState('');
  const [shown, setShown] = useState(member);
  const [badge, setBadge] = useState<'super_user' | 'expert'>('super_user');
  // The history line being taken back, and why.
  const [taking, setTaking] = useState<LedgerEntry>();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string>();
  const [done, setDone] = useState<string>();
  useEffect(() => {
    if (member && !name) api.profile(member).then((p) => setName(p.displayName), (e) => setError(codeOf(e)));
  }, [member]);
  const pick = (m: Picked) => {
    setError(undefined);
    setDone(undefined);
    setMember(m.id);
    setName(m.name);
    setShown(m.id);
    history.replaceState(null, '', `/rewards/admin?member=${encodeURIComponent(m.id)}`);
  };
  const load = useCallback((cursor?: string) => pointsApi.memberHistory(shown, cursor), [shown]);
  const act = (p: Promise<unknown>, ok: (v: never) => string) => {
    setError(undefined);
    setDone(undefined);
    p.then(
      (v) => {
        setDone(ok(v as never));
        setShown('');
        setTimeout(() => setShown(member.trim()), 0);
      },
      (e) => setError(codeOf(e)),
    );
  };
  return (
    <section class="section" aria-labelledby="member-points-title">
      <h2 id="member-points-title">{s.staffPointsTitle}</h2>
      <MemberPicker lang={props.lang} id="points-member" label={s.g2.findMember} onPick={pick} />
      {member && name && <p role="status">{s.g2.chosenMember(name)}</p>}
      <RewardProblem lang={props.lang} code={error} />
      {done && (
        <p class="ok" role="status">
          {done}
        </p>
      )}
      {member.trim() && (
        <>
          <form onSubmit={(e) => { e.preventDefault(); act(pointsApi.grant(member.trim(), badge), () => s.savedNote); }}>
            <h3>{s.grantTitle}</h3>
            <label for="grant-badge">{s.badgesTitle}</label>
            <select id="grant-badge" value={badge} onChange={(e) => setBadge((e.currentTarget as HTMLSelectElement).value as 'super_user' | 'expert')}>
              <option value="super_user">{s.noticeWords['badge.super_user']}</option>
              <option value="expert">{s.noticeWords['badge.expert']}</option>
            </select>
            <button type="submit">{s.grantButton}</button>
          </form>
          {taking && (
            <form
              onSubmit={(e) => {
                e.preventDefault();
                act(pointsApi.reverse(member.trim(), { entryId: taking.id, at: taking.at, reason }), (r: { reversed: number }) => {
                  setTaking(undefined);
                  setReason('');
                  return s.reversedDone(s.points(r.reversed));
                });
              }}
            >
              <h3>{s.reverseTitle}</h3>
              <p>{s.g4.takingBack(s.points(taking.amount), entryText(props.lang, taking))}</p>
              <p class="muted">{s.g4.takeBackHint}</p>
              <label for="rev-reason">{s.reverseReason}</label>
              <textarea id="rev-reason" rows={2} maxLength={500} required value={reason} onInput={(e) => setReason(value(e))} />
              <div class="actions">
                <button type="submit">{s.reverseButton}</button>
                <button type="button" class="secondary" onClick={() => setTaking(undefined)}>
                  {s.g4.cancel}
                </button>
              </div>
            </form>
          )}
        </>
      )}
      {shown && (
        <>
          <h3>{s.historyTitle}</h3>
          <History lang={props.lang} takeBack={(e) => { setTaking(e); setReason(''); setTimeout(() => document.getElementById('rev-reason')?.focus(), 0); }} load={load} />
        </>
      )}
    </section>
  );
}

// RewardsAdmin is the staff page of points: the settings for who may change them, a
// member's points for staff.
export function RewardsAdmin(props: { lang: Lang; may: May }) {
  const s = strings[props.lang];
  const heading = useFocusHeading();
  return (
    <>
      <h1 tabIndex={-1} ref={heading}>
        {props.may('rewards.settings') ? s.rewardsAdminNav : s.g2.staffPointsNav}
      </h1>
      {props.may('rewards.settings') && <SettingsForm lang={props.lang} />}
      {props.may('rewards.staff') && <MemberPoints lang={props.lang} />}
    </>
  );
}
