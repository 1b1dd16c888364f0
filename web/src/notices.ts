// What an inbox entry says: a sentence of the reader's language (strings.notices)
// naming who did what to what, its subject a link to the web page it is about. Kept
// free of JSX so that tests/notices_test.go can run it in Node for every kind.
import type { Notification } from './api';
import { Lang, strings } from './i18n';

// A piece of a sentence: text, or a link (href is a route of the web app).
export interface NoticePart {
  text: string;
  href?: string;
}

// noticeKey is the sentence of n: its kind, or a variant naming what n names.
export function noticeKey(n: Notification): string {
  if (n.kind === 'report' && n.commentId) return 'report.comment';
  if (n.kind === 'warning' && n.postId) return 'warning.post';
  if (n.kind === 'content_hidden' && n.commentId) return 'content_hidden.comment';
  // Rewards: catalogue, redemptions, orders (issue 12, r3).
  if (n.kind === 'order_status' && n.detail === 'shipped') return 'order_status.shipped';
  if (n.kind === 'order_status' && n.detail === 'shipping_corrected') return 'order_status.shipping_corrected';
  if (n.kind === 'rank_reached' && n.postTitle) return 'rank_reached.named';
  return n.kind;
}

// noticeLink is the web page a notification is about (none for an unavailable one).
export function noticeLink(n: Notification): string | undefined {
  if (n.kind === 'unavailable') return undefined;
  // Rewards: catalogue, redemptions, orders (issue 12, r3): the member's orders page.
  if (n.kind === 'order_status') return '/rewards/orders';

  // rewards (r1): badges and ranks are on the rewards page.
  if (n.kind === 'badge_awarded' || n.kind === 'rank_reached' || n.kind === 'points_reversed') return '/rewards';
  // The knowledge base (issue 16): a change opens the comparison with the version before,
  // a publication the article.
  const article = (n as Notification & { articleId?: string; articleVersion?: number });
  if (article.articleId) {
    const v = article.articleVersion ?? 0;
    const page = `/kb/articles/${encodeURIComponent(article.articleId)}`;
    return n.kind === 'article_updated' && v > 1 ? `${page}/diff?from=${v - 1}&to=${v}` : page;
  }
  if (n.ticketId) return `/tickets/${encodeURIComponent(n.ticketId)}`;
  if (n.postId) return `/posts/${encodeURIComponent(n.postId)}`;
  if (n.spaceId) return `/spaces/${encodeURIComponent(n.spaceId)}`;
  return undefined;
}

// noticeParts writes n in lang. A kind without a sentence (a newer server, say) says
// no more than "unavailable" does, never its code.
export function noticeParts(lang: Lang, n: Notification): NoticePart[] {
  const s = strings[lang];
  const pattern = s.notices[noticeKey(n)] ?? s.notices[n.kind] ?? s.notices.unavailable;
  const link = noticeLink(n);
  const word = (group: string) => s.noticeWords[`${group}.${n.detail ?? ''}`] ?? (n.detail ?? '').replace(/_/g, ' ');
  const value = (name: string): NoticePart => {
    switch (name) {
      case 'actor':
        if (!n.actorName && !n.actorDeleted) return { text: s.noticeSomeone };
        return n.actorId && !n.actorDeleted
          ? { text: n.actorName ?? '', href: `/members/${encodeURIComponent(n.actorId)}` }
          : { text: s.person(n.actorName ?? '', n.actorDeleted) };
      case 'post':
        return { text: s.noticeQuote(n.postTitle ?? ''), href: link };
      case 'ticket':
        return { text: s.noticeTicket(n.ticketNumber ?? 0, n.postTitle ?? ''), href: link };
      case 'space':
        return { text: s.noticeQuote(n.detail ?? ''), href: link };
      case 'status':
        return { text: word(n.kind === 'idea_status' ? 'idea' : n.kind === 'order_status' ? 'order' : 'ticket') };
      case 'reason':
        return { text: word('reason') };
      case 'target':
        return { text: word('target') };
      case 'badge':
        return { text: s.noticeQuote(word('badge')), href: link };
      case 'rewards':
        return { text: s.noticeRewards, href: link };
      case 'within':
        return { text: s.duration(Math.round(Number(n.detail ?? 0) / 60)) };
      case 'points': // campaigns (issue 12, r2): the points a reviewed proof paid
        return { text: n.detail ?? '' };
      default:
        return { text: '' };
    }
  };
  const parts: NoticePart[] = [];
  pattern.split(/(\{[a-z]+\})/).forEach((piece) => {
    if (!piece) return;
    const m = piece.match(/^\{([a-z]+)\}$/);
    parts.push(m ? value(m[1]) : { text: piece });
  });
  return parts;
}

// noticeQuote is what the notification quotes after its sentence: a moderator's
// warning, the excerpt of a ticket reply, why a moderator hid the reader's content.
export function noticeQuote(n: Notification): string | undefined {
  return n.kind === 'warning' || n.kind === 'ticket_reply' || n.kind === 'content_hidden' ? n.detail || undefined : undefined;
}
