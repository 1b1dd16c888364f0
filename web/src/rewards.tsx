// The member's rewards page (points, rank, badges, history, how to earn) and the rank
// shown next to names (RankTag), for issue 12's points part.
import { Fragment } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError, HowToEarn, LedgerEntry, MyRewards, pointsApi, Rank } from './api';
import { errorText, formatDate, Lang, strings } from './i18n';
import { useFocusHeading } from './signin';
import { codeOf } from './ui';

type Nav = (path: string) => void;

// rewardError says a problem code of the reward routes in the reader's language.
export function rewardError(lang: Lang, code: string): string {
  const s = strings[lang];
  return s.rewardErrors[code] ?? errorText(s, code);
}

export function RewardProblem(props: { lang: Lang; code?: string }) {
  if (!props.code) return null;
  return (
    <p class="error" role="alert">
      {rewardError(props.lang, props.code)}
    </p>
  );
}

export const rankName = (lang: Lang, r: Rank) => (lang === 'fr' ? r.name.fr : r.name.en);

const namedRules = ['challenge', 'redemption', 'refund'];

// entryLink is where a ledger entry's object is: its post, its campaign, the orders.
export function entryLink(lang: Lang, e: LedgerEntry, staff?: boolean): [string, string] | undefined {
  const s = strings[lang].g2;
  const base = e.rule.replace(/:reversed$/, '');
  if (e.postId) return [`/posts/${e.postId}${e.objectType === 'comment' ? `#comment-${e.objectId}` : ''}`, s.seePost];
  if (e.objectType === 'post') return [`/posts/${e.objectId}`, s.seePost];
  if (base === 'challenge' && e.objectId.includes('#')) return [`/campaigns/${e.objectId.split('#')[0]}`, s.seeCampaign];
  // Staff open the member's order itself, not their own orders.
  if ((base === 'redemption' || base === 'refund') && staff) return [`/rewards/admin/catalogue?order=${encodeURIComponent(e.objectId)}`, strings[lang].g4.seeOrder];
  if (base === 'redemption' || base === 'refund') return ['/rewards/orders', s.seeOrders];
  return undefined;
}

// entryText says what a ledger entry is for, in the reader's language.
export function entryText(lang: Lang, e: LedgerEntry): string {
  const s = strings[lang];
  const reversed = e.rule.endsWith(':reversed');
  const base = reversed ? e.rule.slice(0, -':reversed'.length) : e.rule;
  const what = s.ruleNames[base] ?? base.replace(/_/g, ' ');
  // A campaign's challenge, a gift ordered or refunded: the reason names them.
  if (!reversed) return e.reason && namedRules.includes(base) ? `${what} — ${e.reason}` : what;
  const reason = e.reason ? s.reversalReasons[e.reason] ?? `“${e.reason}”` : '';
  return `${s.reversedRule(what)}${reason ? ` — ${reason}` : ''}`;
}

// History is a page of ledger entries with a button for older ones.
// takeBack (staff) puts a "Take back" button on each line that paid points.
export function History(props: { lang: Lang; takeBack?: (e: LedgerEntry) => void; navigate?: Nav; load: (cursor?: string) => Promise<{ entries: LedgerEntry[]; next?: string }> }) {
  const s = strings[props.lang];
  const [entries, setEntries] = useState<LedgerEntry[]>();
  const [next, setNext] = useState<string>();
  const [error, setError] = useState<string>();
  const more = (cursor?: string) =>
    props.load(cursor).then(
      (page) => {
        setEntries((old) => [...(cursor ? old ?? [] : []), ...page.entries]);
        setNext(page.next);
      },
      (e) => setError(codeOf(e)),
    );
  useEffect(() => {
    more();
  }, [props.load]);
  return (
    <>
      <RewardProblem lang={props.lang} code={error} />
      {entries && entries.length === 0 && <p class="muted">{s.noPointsHistory}</p>}
      <ul class="list ledger">
        {entries?.map((e) => (
          <li key={e.id}>
            <strong class={e.amount < 0 ? 'points negative' : 'points'}>
              {e.amount > 0 ? '+' : ''}
              {s.points(e.amount)}
            </strong>{' '}
            <span>{entryText(props.lang, e)}</span>{' '}
            <span class="muted">
              {formatDate(props.lang, e.at)}
              {(() => {
                const link = entryLink(props.lang, e, !!props.takeBack);
                return (
                  link && (
                    <>
                      {' · '}
                      <a href={link[0]} onClick={(ev) => (props.navigate ? (ev.preventDefault(), props.navigate(link[0])) : undefined)}>
                        {link[1]}
                      </a>
                    </>
                  )
                );
              })()}
              {props.takeBack && e.amount > 0 && !e.rule.endsWith(':reversed') && e.rule !== 'refund' && (
                <>
                  {' '}
                  <button type="button" class="secondary small" onClick={() => props.takeBack?.(e)} aria-label={s.g4.named(s.g4.takeBack, entryText(props.lang, e))}>
                    {s.g4.takeBack}
                  </button>
                </>
              )}
            </span>
          </li>
        ))}
      </ul>
      {next && (
        <button type="button" class="secondary" onClick={() => more(next)}>
          {s.moreHistory}
        </button>
      )}
    </>
  );
}

// HowToEarnSection lists the rules that pay, the ranks and the badges.
export function HowToEarnSection(props: { lang: Lang; earn: HowToEarn }) {
  const s = strings[props.lang];
  const e = props.earn;
  return (
    <section class="section" aria-labelledby="earn-title">
      <h2 id="earn-title">{s.earnTitle}</h2>
      <ul class="list">
        {e.rules.map((r) => (
          <li key={r.name}>
            <strong>{s.ruleNames[r.name] ?? r.name}</strong>: +{s.points(r.points)}
            {r.dailyCap > 0 && <span class="muted"> ({s.dailyCap(s.points(r.dailyCap))})</span>}
          </li>
        ))}
      </ul>
      {!e.staffEarn && <p class="muted">{s.staffEarnNo}</p>}
      <h3>{s.ranksTitle}</h3>
      <ul class="list">
        {e.ranks.map((r) => (
          <li key={r.id}>
            <strong>{rankName(props.lang, r)}</strong> <span class="muted">{s.rankFrom(s.points(r.threshold))}</span>
          </li>
        ))}
      </ul>
      <h3>{s.badgesTitle}</h3>
      <ul class="list">
        {e.badges.map((b) => (
          <li key={b.id}>
            <strong>{props.lang === 'fr' ? b.name.fr : b.name.en}</strong>: {props.lang === 'fr' ? b.description.fr : b.description.en}
          </li>
        ))}
      </ul>
    </section>
  );
}

// RewardsPage is the member's own rewards: balance, score, rank, badges, the
// leaderboard opt-out, the history and how to earn.
export function RewardsPage(props: { lang: Lang; navigate: Nav; staffLinks: { admin: boolean; campaigns: boolean; catalogue: boolean; rules?: boolean } }) {
  const s = strings[props.lang];
  const heading = useFocusHeading();
  const [mine, setMine] = useState<MyRewards>();
  const [earn, setEarn] = useState<HowToEarn>();
  const [error, setError] = useState<string>();
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    pointsApi.mine().then(setMine, (e) => setError(codeOf(e)));
    pointsApi.earn().then(setEarn, (e) => setError(codeOf(e)));
  }, []);
  const optIn = (show: boolean) => {
    setSaved(false);
    pointsApi.optOut(!show).then(
      (account) => {
        if (mine) setMine({ ...mine, account });
        setSaved(true);
      },
      (e) => setError(e instanceof ApiError ? e.code : 'internal'),
    );
  };
  const badgeName = (id: string) => {
    const b = earn?.badges.find((x) => x.id === id);
    return b ? (props.lang === 'fr' ? b.name.fr : b.name.en) : s.noticeWords[`badge.${id}`] ?? id;
  };
  const go = (to: string) => (e: Event) => {
    e.preventDefault();
    props.navigate(to);
  };
  return (
    <>
      <h1 tabIndex={-1} ref={heading}>
        {s.rewardsTitle}
      </h1>
      <RewardProblem lang={props.lang} code={error} />
      {mine && (
        <dl class="facts">
          <dt>{s.balanceLine}</dt>
          <dd>
            <strong>{s.points(mine.account.balance)}</strong>
          </dd>
          <dt>{s.lifetimeLine}</dt>
          <dd>{s.points(mine.account.lifetime)}</dd>
          {!mine.earnsNothing && <dt>{s.rankLine}</dt>}
          {!mine.earnsNothing && <dd>
            <span class="badge rank">{rankName(props.lang, mine.rank)}</span>{' '}
            {mine.nextRank ? (
              <span class="muted">{s.nextRank(s.points(mine.nextRank.threshold - mine.account.lifetime), rankName(props.lang, mine.nextRank))}</span>
            ) : (
              <span class="muted">{s.topRank}</span>
            )}
          </dd>}
        </dl>
      )}
      <nav class="links" aria-label={s.rewardsTitle}>
        {(
          [
            ['/campaigns', s.campaigns.nav, true],
            ['/rewards/catalogue', s.catalogue.nav, true],
            ['/rewards/orders', s.catalogue.myOrders, true],
            ['/leaderboard', s.leaderboardNav, true],
            ['/campaigns/manage', s.campaigns.manageNav, props.staffLinks.campaigns],
            ['/rewards/admin/catalogue', s.catalogue.manage, props.staffLinks.catalogue],
            ['/rewards/admin', props.staffLinks.rules === false ? s.g2.staffPointsNav : s.rewardsAdminNav, props.staffLinks.admin],
          ] as [string, string, boolean][]
        )
          .filter(([, , show]) => show)
          .map(([href, label]) => (
            <a key={href} href={href} onClick={go(href)}>
              {label}
            </a>
          ))}
      </nav>
      {mine && (
        <label class="choice">
          <input type="checkbox" checked={!mine.account.optedOut} onChange={(e) => optIn((e.currentTarget as HTMLInputElement).checked)} />
          {s.optInLabel}
        </label>
      )}
      {saved && (
        <p class="ok" role="status">
          {s.savedNote}
        </p>
      )}
      <section class="section" aria-labelledby="badges-title">
        <h2 id="badges-title">{s.badgesTitle}</h2>
        {mine && mine.badges.length === 0 && <p class="muted">{s.noBadges}</p>}
        <ul class="list">
          {mine?.badges.map((b) => (
            <li key={b.badge}>
              <span class="badge award">{badgeName(b.badge)}</span> <span class="muted">{formatDate(props.lang, b.at)}</span>
              {b.grantedBy && <span class="muted"> · {s.grantedBadge}</span>}
            </li>
          ))}
        </ul>
      </section>
      <section class="section" aria-labelledby="history-title">
        <h2 id="history-title">{s.historyTitle}</h2>
        <History lang={props.lang} navigate={props.navigate} load={pointsApi.history} />
      </section>
      {earn && <HowToEarnSection lang={props.lang} earn={earn} />}
    </>
  );
}

// The ranks and badges of the names a page shows are read together: every MemberRank
// asks for its member, and the ids asked within the same moment go in one request (at
// most 100 each); answers are kept a minute.
type NameTags = { rank?: Rank; badges: string[] };
const nameCache = new Map<string, { at: number; tags: Promise<NameTags> }>();
let pending: Map<string, (r: NameTags) => void> | undefined;

function tagsOf(id: string): Promise<NameTags> {
  const hit = nameCache.get(id);
  if (hit && Date.now() - hit.at < 60000) return hit.tags;
  const tags = new Promise<NameTags>((resolve) => {
    if (!pending) {
      pending = new Map();
      setTimeout(() => {
        const batch = [...pending!.entries()];
        pending = undefined;
        for (let i = 0; i < batch.length; i += 100) {
          const part = batch.slice(i, i + 100);
          pointsApi.ranks(part.map(([id]) => id)).then(
            (r) => part.forEach(([id, done]) => done({ rank: r.ranks[id], badges: r.badges?.[id] ?? [] })),
            () => part.forEach(([, done]) => done({ badges: [] })),
          );
        }
      }, 0);
    }
    pending.set(id, resolve);
  });
  nameCache.set(id, { at: Date.now(), tags });
  return tags;
}

export const badgeLabel = (lang: Lang, id: string) => strings[lang].noticeWords[`badge.${id}`] ?? id.replace(/_/g, ' ');

// MemberRank is a member's rank and badges next to their name: the rank (none for
// staff, who earn no points) and at most two badges, staff-granted first, then "+N"
// (nothing for a deleted member).
export function MemberRank(props: { lang: Lang; id: string; badges?: number }) {
  const [tags, setTags] = useState<NameTags>();
  useEffect(() => {
    let live = true;
    if (props.id) tagsOf(props.id).then((r) => live && setTags(r));
    return () => {
      live = false;
    };
  }, [props.id]);
  if (!tags) return null;
  if (props.badges === 0) return <RankTag lang={props.lang} rank={tags.rank} />;
  const g2 = strings[props.lang].g2;
  const max = props.badges ?? 2;
  const shown = tags.badges.slice(0, max);
  const more = tags.badges.length - shown.length;
  return (
    <>
      <RankTag lang={props.lang} rank={tags.rank} />
      {shown.map((b) => (
        <Fragment key={b}>
          {' '}
          <span class="badge award" title={g2.badgeTitle(badgeLabel(props.lang, b))}>
            {badgeLabel(props.lang, b)}
          </span>
        </Fragment>
      ))}
      {more > 0 && (
        <>
          {' '}
          <span class="badge award" title={g2.moreBadgesTitle(more)}>
            {g2.moreBadges(more)}
          </span>
        </>
      )}
    </>
  );
}

// MemberBadges is the badges section of a profile: every badge the member shows, with
// the date it was earned or granted.
export function MemberBadges(props: { lang: Lang; id: string }) {
  const s = strings[props.lang];
  const [badges, setBadges] = useState<{ badge: string; at: string }[]>();
  useEffect(() => {
    let live = true;
    pointsApi.member(props.id).then(
      (r) => live && setBadges(r.badges),
      () => live && setBadges([]),
    );
    return () => {
      live = false;
    };
  }, [props.id]);
  if (!badges) return null;
  return (
    <section class="section" aria-labelledby="member-badges-title">
      <h2 id="member-badges-title">{s.g2.memberBadgesTitle}</h2>
      {badges.length === 0 ? (
        <p class="muted">{s.g2.noMemberBadges}</p>
      ) : (
        <ul class="list">
          {badges.map((b) => (
            <li key={b.badge}>
              <span class="badge award">{badgeLabel(props.lang, b.badge)}</span> <span class="muted">{formatDate(props.lang, b.at)}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

// RankTag is a member's rank next to their name.
export function RankTag(props: { lang: Lang; rank?: Rank }) {
  if (!props.rank) return null;
  const name = rankName(props.lang, props.rank);
  return (
    <span class="badge rank" title={strings[props.lang].rankOf(name)}>
      {name}
    </span>
  );
}
