import { useEffect, useState } from 'preact/hooks';
import { api, Notification } from './api';
import { formatDate, Lang, strings } from './i18n';
import { noticeParts, noticeQuote } from './notices';
import { useFocusHeading } from './signin';
import { codeOf, Problem } from './ui';

type Nav = (path: string) => void;

// Notice is one inbox entry: its sentence, whose names and subject are links.
function Notice(props: { lang: Lang; n: Notification; navigate: Nav }) {
  const quote = noticeQuote(props.n);
  return (
    <div class="sentence">
      {noticeParts(props.lang, props.n).map((p, i) =>
        p.href ? (
          <a
            key={i}
            href={p.href}
            onClick={(e) => {
              e.preventDefault();
              props.navigate(p.href!);
            }}
          >
            {p.text}
          </a>
        ) : (
          p.text
        ),
      )}
      {quote && <q>{quote}</q>}
    </div>
  );
}

// NotificationsPage lists what happened around the member and marks it read.
export function NotificationsPage(props: { lang: Lang; navigate: Nav; onRead: () => void }) {
  const s = strings[props.lang];
  const heading = useFocusHeading();
  const [items, setItems] = useState<Notification[]>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    api.notifications().then(
      (n) => {
        setItems(n.items);
        if (n.unread > 0) api.markRead().then(props.onRead, () => undefined);
      },
      (err) => setError(codeOf(err)),
    );
  }, []);
  return (
    <>
      <h1 tabIndex={-1} ref={heading}>
        {s.notificationsTitle}
      </h1>
      <Problem lang={props.lang} code={error} />
      {items && items.length === 0 && <p class="muted">{s.noNotifications}</p>}
      <ul class="list notices">
        {items?.map((n) => (
          <li key={n.id} class={n.unread ? 'unread' : undefined}>
            {n.unread && <span class="badge">{s.newBadge}</span>}
            <Notice lang={props.lang} n={n} navigate={props.navigate} />
            <span class="muted">{formatDate(props.lang, n.at)}</span>
          </li>
        ))}
      </ul>
    </>
  );
}
