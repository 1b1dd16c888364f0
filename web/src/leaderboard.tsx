// The leaderboards: this week, month, quarter or all time; the community's or a space's.
import { useEffect, useState } from 'preact/hooks';
import { api, Leaderboard, pointsApi, SpaceMembership } from './api';
import { Lang, strings } from './i18n';
import { RankTag, RewardProblem } from './rewards';
import { useFocusHeading } from './signin';
import { codeOf } from './ui';

type Nav = (path: string) => void;

const periods = ['week', 'month', 'quarter', 'all'] as const;

export function LeaderboardPage(props: { lang: Lang; navigate: Nav }) {
  const s = strings[props.lang];
  const heading = useFocusHeading();
  const [period, setPeriod] = useState<string>('week');
  const [space, setSpace] = useState('');
  const [spaces, setSpaces] = useState<SpaceMembership[]>([]);
  const [board, setBoard] = useState<Leaderboard>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    api.mySpaces().then(
      (m) => setSpaces(m.memberships.filter((x) => x.status === 'active')),
      () => undefined,
    );
  }, []);
  useEffect(() => {
    setError(undefined);
    pointsApi.board(period, space || undefined).then(setBoard, (e) => {
      setBoard(undefined);
      setError(codeOf(e));
    });
  }, [period, space]);
  return (
    <>
      <h1 tabIndex={-1} ref={heading}>
        {s.leaderboardTitle}
      </h1>
      <div class="filters">
        <label for="board-period">{s.periodLabel}</label>
        <select id="board-period" value={period} onChange={(e) => setPeriod((e.currentTarget as HTMLSelectElement).value)}>
          {periods.map((p) => (
            <option key={p} value={p}>
              {s.periods[p]}
            </option>
          ))}
        </select>
        <label for="board-space">{s.boardScope}</label>
        <select id="board-space" value={space} onChange={(e) => setSpace((e.currentTarget as HTMLSelectElement).value)}>
          <option value="">{s.communityBoard}</option>
          {spaces.map((m) => (
            <option key={m.spaceId} value={m.spaceId}>
              {m.spaceName}
            </option>
          ))}
        </select>
      </div>
      <RewardProblem lang={props.lang} code={error} />
      {board && board.standings.length === 0 && <p class="muted">{s.boardEmpty}</p>}
      <ol class="list board">
        {board?.standings.map((st) => (
          <li key={st.memberId}>
            <span class="place">{s.boardPlace(st.place)}</span>{' '}
            <a
              href={`/members/${encodeURIComponent(st.memberId)}`}
              onClick={(e) => {
                e.preventDefault();
                props.navigate(`/members/${encodeURIComponent(st.memberId)}`);
              }}
            >
              {st.name}
            </a>{' '}
            <RankTag lang={props.lang} rank={st.rank} /> <strong>{s.points(st.score)}</strong>
          </li>
        ))}
      </ol>
    </>
  );
}
