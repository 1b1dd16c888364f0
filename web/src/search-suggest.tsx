// "Before you ask" (issue 15): while a member writes a question's title or a ticket's
// subject, the composer shows the closest solved questions (and articles) from
// GET /api/search/suggest, in a polite live region; each opens in a new tab, so the draft
// stays. The suggestionId of the last suggestions shown goes with the question or ticket
// created (the deflection count, docs/kpis.md).
import { useEffect, useRef, useState } from 'preact/hooks';
import { Lang, strings } from './i18n';
import { SearchResult, searchApi } from './search-api';
import { Badges, kindName, ResultLink } from './search';

// Suggestions wait for a pause in typing (300 ms) and 3 characters.
const pause = 300;
const minChars = 3;

export type Shown = { suggestionId: string; results: SearchResult[] };

// useSuggestions asks for suggestions for text while enabled (a question is being
// written, a subject typed) and returns those to show now, and the suggestionId of the
// last answer that showed at least one (what a creation sends: the deflection counts
// composer sessions that were shown suggestions).
export function useSuggestions(text: string, forWhat: 'question' | 'ticket', spaceId: string | undefined, enabled: boolean): { shown?: Shown; suggestionId?: string; reset: () => void } {
  const [shown, setShown] = useState<Shown>();
  const [suggestionId, setSuggestionId] = useState<string>();
  // The composer's session, sent with each request (read by the effect, not a dependency).
  const session = useRef<string>();
  // The composer's requests go one after the other: each is sent once the one before has
  // answered, with the session that answer gave. Two at once (a pause, then another,
  // while the first is slow) would both go without an id and count two sessions.
  const queue = useRef<Promise<void>>(Promise.resolve());
  // A new session (reset, after a creation) drops what the old one still has coming.
  const generation = useRef(0);
  useEffect(() => {
    const q = text.trim();
    if (!enabled || q.length < minChars) {
      setShown(undefined);
      return;
    }
    // live: this text is still the composer's (a newer one makes this answer stale).
    let live = true;
    const timer = setTimeout(() => {
      const gen = generation.current;
      queue.current = queue.current.then(async () => {
        // Overtaken by typing while it waited its turn: not sent (a newer one follows).
        if (!live || gen !== generation.current) return;
        try {
          // The session is read now, when the request goes (the previous answer has set it).
          const a = await searchApi.suggest(q.slice(0, 200), forWhat, spaceId, session.current);
          if (gen !== generation.current) return;
          // An id is given once suggestions were shown (a session): it goes on after,
          // even from a stale answer (the server counted it).
          if (a.suggestionId) {
            session.current = a.suggestionId;
            setSuggestionId(a.suggestionId);
          }
          // A stale answer is not shown: the text it answers is no longer the composer's.
          if (!live) return;
          const results = a.results.slice(0, 5);
          setShown(results.length > 0 ? { suggestionId: a.suggestionId, results } : undefined);
        } catch {
          // Suggestions are a help: a failure leaves the composer as it is.
        }
      });
    }, pause);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [text, forWhat, spaceId, enabled]);
  // reset starts a new composer session (after a creation).
  const reset = () => {
    generation.current++;
    setShown(undefined);
    setSuggestionId(undefined);
    session.current = undefined;
  };
  return { shown, suggestionId, reset };
}

// BeforeYouAsk is the live region under the field: empty until there are suggestions.
export function BeforeYouAsk(props: { lang: Lang; id: string; shown: Shown | undefined }) {
  const s = strings[props.lang];
  const results = props.shown?.results ?? [];
  return (
    <div class="before-you-ask" id={props.id} aria-live="polite">
      {results.length > 0 && (
        <section aria-labelledby={`${props.id}-title`}>
          <h3 id={`${props.id}-title`}>{s.find.suggestTitle}</h3>
          <p class="muted">{s.find.suggestIntro}</p>
          <ul>
            {results.map((r, i) => (
              <li key={r.id}>
                <ResultLink r={r} searchId={props.shown!.suggestionId} position={i + 1} newTab={s.find.newTab}>
                  {r.title}
                </ResultLink>{' '}
                <span class="muted">
                  {kindName(s, r.kind)}
                  {r.spaceName ? ` · ${s.find.inSpace(r.spaceName)}` : ''}
                </span>{' '}
                <Badges lang={props.lang} r={r} />
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
