// Mentions by name in the text boxes of posts and comments.
//
// The stored text keeps a stable reference to each member it mentions, "@m_<id>"; the
// writer never sees it. The box shows "@Name" and remembers where each mention is (a
// Draft: the text shown and its mention spans). Every change the writer makes is
// applied to the spans: text typed before a mention moves it, a change inside a
// mention (or a letter glued to it) turns it back into plain text, and saving puts each
// span's reference back (markupOf). So names with spaces, two members of the same
// name, and a name that is also typed as plain text all map back to the right member,
// or to none; a mention is made only by choosing a member in the @ list.
//
// The @ list follows the WAI-ARIA combobox pattern with the text box as its input:
// aria-autocomplete="list", aria-controls naming the role="listbox" popup and
// aria-activedescendant naming the active role="option" while it is open; a polite
// status says how many members it offers. The textarea keeps its own role (a
// multi-line text box): ARIA in HTML allows no other role on a textarea, and a text box
// takes no aria-expanded. So the textarea stands in an element of role="combobox"
// (named by the hint under the box, so the box alone answers to its label) that
// carries aria-expanded (true while the list is open),
// aria-haspopup="listbox" and aria-controls: the ARIA 1.1 form of the pattern, which
// axe-core accepts (docs/decisions.md, "Issue 10, round 3: space and post pages"). Keys while it
// is open: Down and Up move (wrapping), Enter or Tab choose, Escape closes it until the
// next @. docs/decisions.md, "Issue 10: mentions by name and excerpts".
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { api, type MentionChoice } from './api';
import { strings, type Lang } from './i18n';

export interface Span {
  start: number;
  end: number;
  id: string;
}

export interface Draft {
  text: string;
  spans: Span[];
}

export const emptyDraft: Draft = { text: '', spans: [] };

const wordChar = /[\p{L}\p{N}_]/u;
// A reference as the server finds it: not glued to a word on either side.
const reference = /(?<![\p{L}\p{N}_])@(m_[A-Z2-7]{26})(?![\p{L}\p{N}_])/gu;

// draftOf shows a stored text as its writer edits it: each reference the server named
// (names: the post's or comment's mentions) becomes "@Name", "@Deleted member" for a
// member who no longer exists; anything else stays as written.
export function draftOf(body: string, names: Record<string, string> | undefined, deleted: string): Draft {
  const spans: Span[] = [];
  let text = '';
  let last = 0;
  for (const m of body.matchAll(reference)) {
    const id = m[1];
    if (!names || !(id in names)) continue;
    text += body.slice(last, m.index);
    const shown = '@' + (names[id] || deleted);
    spans.push({ start: text.length, end: text.length + shown.length, id });
    text += shown;
    last = (m.index ?? 0) + m[0].length;
  }
  return { text: text + body.slice(last), spans };
}

// namedText is a stored text with its mentions shown by name (the history).
export function namedText(body: string, names: Record<string, string> | undefined, deleted: string): string {
  return draftOf(body, names, deleted).text;
}

// markupOf is the text to store: each mention back to its reference.
export function markupOf(d: Draft): string {
  let out = '';
  let last = 0;
  for (const sp of [...d.spans].sort((a, b) => a.start - b.start)) {
    out += d.text.slice(last, sp.start) + '@' + sp.id;
    last = sp.end;
  }
  return out + d.text.slice(last);
}

// glued: a mention with a letter, digit or "_" right before or after it is no mention
// once stored ("@m_…s"), so it is plain text in the box too.
function glued(text: string, sp: Span): boolean {
  return (sp.start > 0 && wordChar.test(text[sp.start - 1])) || (sp.end < text.length && wordChar.test(text[sp.end]));
}

// edited applies a change of the shown text (next) to a draft's mentions: the changed
// region is what lies between the longest common start and end of the two texts.
export function edited(d: Draft, next: string): Draft {
  const prev = d.text;
  let p = 0;
  const limit = Math.min(prev.length, next.length);
  while (p < limit && prev[p] === next[p]) p++;
  let s = 0;
  while (s < limit - p && prev[prev.length - 1 - s] === next[next.length - 1 - s]) s++;
  const oldEnd = prev.length - s;
  const delta = next.length - prev.length;
  const spans: Span[] = [];
  for (const sp of d.spans) {
    if (sp.end <= p) spans.push(sp);
    else if (sp.start >= oldEnd) spans.push({ start: sp.start + delta, end: sp.end + delta, id: sp.id });
    // else: changed inside the mention, which becomes plain text
  }
  return { text: next, spans: spans.filter((sp) => !glued(next, sp)) };
}

// Query is the "@…" being typed: where its @ is and what follows, up to the caret.
interface Query {
  at: number;
  q: string;
}

const maxQuery = 40;

// inCode tells whether position at of text lies in code, where the server makes no
// mention (a reference there would show as "@m_…" inside <code>): a fenced code block
// (``` or ~~~, CommonMark: closed by a fence of the same character at least as long)
// open above at's line, or an inline code span opened earlier on at's own line (a run
// of backticks not yet closed by a run of the same length).
export function inCode(text: string, at: number): boolean {
  const lineStart = text.lastIndexOf('\n', at - 1) + 1;
  let fence: { char: string; length: number } | undefined;
  for (const line of text.slice(0, lineStart).split('\n')) {
    const f = /^ {0,3}(`{3,}|~{3,})(.*)$/.exec(line);
    if (!f) continue;
    if (!fence) {
      // An info string of a backtick fence may hold no backtick.
      if (!(f[1][0] === '`' && f[2].includes('`'))) fence = { char: f[1][0], length: f[1].length };
    } else if (f[1][0] === fence.char && f[1].length >= fence.length && f[2].trim() === '') fence = undefined;
  }
  if (fence) return true;
  let open = 0;
  for (const run of text.slice(lineStart, at).matchAll(/`+/g)) {
    if (open === 0) open = run[0].length;
    else if (run[0].length === open) open = 0;
  }
  return open > 0;
}

// queryAt finds the "@…" the caret ends: an @ at the start or after a character that
// is no letter, digit or "_", outside any mention, followed by 1 to 40 characters on
// the same line (names have spaces: at most two).
function queryAt(d: Draft, caret: number): Query | undefined {
  const from = Math.max(0, caret - maxQuery - 1);
  const at = d.text.lastIndexOf('@', caret - 1);
  if (at < from) return undefined;
  const q = d.text.slice(at + 1, caret);
  if (q === '' || /^\s|[\r\n]/.test(q) || q.split(' ').length > 3) return undefined;
  if (at > 0 && wordChar.test(d.text[at - 1])) return undefined;
  if (d.spans.some((sp) => at >= sp.start && at < sp.end)) return undefined;
  if (inCode(d.text, at)) return undefined;
  return { at, q };
}

// MentionBox is a text box where "@" and a name offers members to mention (those who
// may read the space); draft is the text shown, onDraft receives each change.
export function MentionBox(props: {
  lang: Lang;
  id: string;
  spaceId: string;
  rows: number;
  draft: Draft;
  onDraft: (d: Draft) => void;
  // invalid: the form's problem is about this text (FieldProblem `<id>-error` says what).
  invalid?: boolean;
  // required: the text must be filled in (its Label carries the mark).
  required?: boolean;
}) {
  const s = strings[props.lang];
  const box = useRef<HTMLTextAreaElement>(null);
  const [query, setQuery] = useState<Query>();
  const [choices, setChoices] = useState<MentionChoice[]>([]);
  const [active, setActive] = useState(0);
  const [closedAt, setClosedAt] = useState<number>();
  const caretAfter = useRef<number>();
  const asked = useRef(0);
  const listId = `${props.id}-mentions`;
  const hintId = `${props.id}-mention-hint`;
  const open = query !== undefined && closedAt !== query.at && choices.length > 0;

  // Ask the server once typing pauses (200 ms); only the latest answer counts.
  useEffect(() => {
    if (!query || closedAt === query.at) {
      setChoices([]);
      return;
    }
    const n = ++asked.current;
    const timer = setTimeout(() => {
      api.mentionable(props.spaceId, query.q).then(
        (r) => {
          if (n !== asked.current) return;
          setChoices(r.members);
          setActive(0);
        },
        () => n === asked.current && setChoices([]),
      );
    }, 200);
    return () => clearTimeout(timer);
  }, [query?.at, query?.q, closedAt, props.spaceId]);

  // Put the caret after a chosen mention once the box shows it.
  useLayoutEffect(() => {
    if (caretAfter.current !== undefined && box.current) {
      box.current.setSelectionRange(caretAfter.current, caretAfter.current);
      caretAfter.current = undefined;
    }
  });

  const look = (d: Draft, caret: number) => {
    const found = queryAt(d, caret);
    setQuery(found);
    if (found && closedAt !== undefined && closedAt !== found.at) setClosedAt(undefined);
  };

  const choose = (c: MentionChoice) => {
    if (!query) return;
    const d = props.draft;
    const end = query.at + 1 + query.q.length;
    const name = '@' + c.displayName;
    const after = d.text.slice(end);
    const inserted = name + (/^\s/.test(after) ? '' : ' ');
    const delta = inserted.length - (end - query.at);
    const spans = d.spans
      .filter((sp) => sp.end <= query.at || sp.start >= end)
      .map((sp) => (sp.start >= end ? { start: sp.start + delta, end: sp.end + delta, id: sp.id } : sp));
    spans.push({ start: query.at, end: query.at + name.length, id: c.id });
    caretAfter.current = query.at + inserted.length;
    setQuery(undefined);
    setChoices([]);
    props.onDraft({ text: d.text.slice(0, query.at) + inserted + after, spans });
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (!open || !query) return;
    switch (e.key) {
      case 'ArrowDown':
        e.preventDefault();
        setActive((a) => (a + 1) % choices.length);
        break;
      case 'ArrowUp':
        e.preventDefault();
        setActive((a) => (a - 1 + choices.length) % choices.length);
        break;
      case 'Enter':
      case 'Tab':
        e.preventDefault();
        choose(choices[Math.min(active, choices.length - 1)]);
        break;
      case 'Escape':
        e.preventDefault();
        e.stopPropagation();
        setClosedAt(query.at);
        break;
    }
  };

  const caretMoved = (e: Event) => {
    const el = e.currentTarget as HTMLTextAreaElement;
    look(props.draft, el.selectionStart);
  };

  return (
    <div class="mention-field">
      <div role="combobox" aria-expanded={open} aria-haspopup="listbox" aria-controls={listId} aria-labelledby={hintId}>
      <textarea
        ref={box}
        id={props.id}
        rows={props.rows}
        value={props.draft.text}
        required={props.required}
        aria-invalid={props.invalid || undefined}
        aria-describedby={props.invalid ? `${props.id}-error ${hintId}` : hintId}
        aria-autocomplete="list"
        aria-controls={listId}
        aria-activedescendant={open ? `${listId}-${active}` : undefined}
        onInput={(e) => {
          const el = e.currentTarget as HTMLTextAreaElement;
          const d = edited(props.draft, el.value);
          props.onDraft(d);
          look(d, el.selectionStart);
        }}
        onKeyDown={onKeyDown}
        onKeyUp={(e) => ['ArrowLeft', 'ArrowRight', 'Home', 'End'].includes(e.key) && caretMoved(e)}
        onClick={caretMoved}
        onBlur={() => setQuery(undefined)}
      />
      </div>
      <p class="hint" id={hintId}>
        {s.mentionHint}
      </p>
      <ul id={listId} role="listbox" class="mention-list" aria-label={s.mentionListLabel} hidden={!open}>
        {open &&
          choices.map((c, i) => (
            <li
              key={c.id}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === active}
              onMouseDown={(e) => {
                e.preventDefault(); // keep the focus (and the caret) in the box
                choose(c);
              }}
            >
              {c.displayName}
              {c.expertise?.length > 0 && <span class="mention-tags"> · {c.expertise.slice(0, 3).join(', ')}</span>}
            </li>
          ))}
      </ul>
      <p class="visually-hidden" role="status">
        {open ? s.mentionChoices(choices.length) : ''}
      </p>
    </div>
  );
}
