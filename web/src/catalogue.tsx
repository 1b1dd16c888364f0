// The reward catalogue and the member's orders (issue 12, r3): gifts with their cost and
// what is left, redeeming one (with an address for gifts that are shipped), and the
// member's own orders with their status, tracking number and address.
import { useEffect, useState } from 'preact/hooks';
import { api, Gift, May, Order, ShippingAddress } from './api';
import { countries } from './catalogue-input';
import { formatDate, Lang, strings } from './i18n';
import { useFocusHeading } from './signin';
import { codeOf, Done, fieldAttrs, FieldProblem, FormLevelProblem, FormProblem, Label, Problem, problemOf, RequiredNote } from './ui';

type Nav = (path: string) => void;
const val = (e: Event) => (e.currentTarget as HTMLInputElement).value;

// newKey is the key of one intent to redeem: the same key is sent again when the member
// retries, so a retried click never orders twice.
const newKey = () =>
  typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID() : `k-${Date.now()}-${Math.random().toString(36).slice(2, 12)}`;

function PageLink(props: { to: string; navigate: Nav; children: preact.ComponentChildren }) {
  return (
    <a
      href={props.to}
      onClick={(e) => {
        e.preventDefault();
        props.navigate(props.to);
      }}
    >
      {props.children}
    </a>
  );
}

const addressFields: [keyof ShippingAddress, 'addressName' | 'line1' | 'line2' | 'city' | 'postalCode' | 'region' | 'country' | 'phone', boolean, string][] = [
  ['name', 'addressName', true, 'name'],
  ['line1', 'line1', true, 'street-address'],
  ['line2', 'line2', false, 'address-line2'],
  ['postalCode', 'postalCode', true, 'postal-code'],
  ['city', 'city', true, 'address-level2'],
  ['region', 'region', false, 'address-level1'],
  ['country', 'country', true, 'country'],
  ['phone', 'phone', false, 'tel'],
];

// Redeem is the form of one gift: its variant and, for a shipped gift, the address.
function Redeem(props: { lang: Lang; gift: Gift; onDone: (o: Order) => void; onClose: () => void }) {
  const s = strings[props.lang].catalogue;
  const g = props.gift;
  const first = g.variants.find((v) => v.stock > 0) ?? g.variants[0];
  const [variantId, setVariantId] = useState(first?.id ?? '');
  const [address, setAddress] = useState<ShippingAddress>({ name: '', line1: '', city: '', postalCode: '', country: '' });
  const [key] = useState(newKey);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<FormProblem>();
  // One redeem form is open at a time: its ids are fixed.
  const id = 'redeem';
  const submit = async (e: Event) => {
    e.preventDefault();
    if (g.needsShipping) {
      const empty = addressFields.find(([f, , required]) => required && !(address[f] ?? '').trim());
      if (empty) {
        setProblem({ code: 'missing_field', field: `address.${empty[0]}` });
        return;
      }
    }
    setBusy(true);
    setProblem(undefined);
    try {
      const clean = Object.fromEntries(Object.entries(address).filter(([, v]) => v)) as ShippingAddress;
      props.onDone(await api.redeem(g.id, variantId, key, g.needsShipping ? clean : undefined));
    } catch (err) {
      const p = problemOf(err);
      setProblem(p.code === 'invalid_address' && !p.field ? { ...p, field: 'address.name' } : p);
    } finally {
      setBusy(false);
    }
  };
  const fields = ['variantId', ...addressFields.map(([f]) => `address.${f}`)];
  return (
    <form onSubmit={submit} noValidate aria-labelledby={`${id}-title`} class="redeem">
      <h3 id={`${id}-title`}>{s.redeemTitle(g.name)}</h3>
      <RequiredNote lang={props.lang} />
      <Label for={`${id}-variant`} required>
        {s.variant}
      </Label>
      <select id={`${id}-variant`} required value={variantId} onChange={(e) => setVariantId(val(e))} {...fieldAttrs(problem, 'variantId', `${id}-variant`)}>
        {g.variants.map((v) => (
          <option key={v.id} value={v.id} disabled={v.stock <= 0}>
            {s.variantLeft(v.label, v.stock)}
          </option>
        ))}
      </select>
      <FieldProblem lang={props.lang} problem={problem} field="variantId" id={`${id}-variant`} label={s.variant} />
      {g.needsShipping && (
        <fieldset>
          <legend>{s.addressTitle}</legend>
          <p class="muted">{s.addressNote}</p>
          {addressFields.map(([f, label, required, auto]) => (
            <div key={f}>
              <Label for={`${id}-${f}`} required={required}>
                {s[label]}
              </Label>
              {f === 'country' ? (
                <select id={`${id}-${f}`} required autocomplete={auto} value={address.country} onChange={(e) => setAddress({ ...address, country: (e.currentTarget as HTMLSelectElement).value })} {...fieldAttrs(problem, `address.${f}`, `${id}-${f}`)}>
                  <option value="">{strings[props.lang].g4.chooseCountry}</option>
                  {countries(props.lang).map(([code, name]) => (
                    <option key={code} value={code}>
                      {name}
                    </option>
                  ))}
                </select>
              ) : (
                <input
                  id={`${id}-${f}`}
                  required={required}
                  autocomplete={auto}
                  maxLength={f === 'line1' || f === 'line2' ? 200 : 100}
                  value={address[f] ?? ''}
                  onInput={(e) => setAddress({ ...address, [f]: val(e) })}
                  {...fieldAttrs(problem, `address.${f}`, `${id}-${f}`)}
                />
              )}
              <FieldProblem lang={props.lang} problem={problem} field={`address.${f}`} id={`${id}-${f}`} label={s[label]} />
            </div>
          ))}
        </fieldset>
      )}
      <FormLevelProblem lang={props.lang} problem={problem} fields={fields} />
      <div class="actions">
        <button type="submit" disabled={busy}>
          {busy ? s.sending : s.confirm(s.cost(g.cost))}
        </button>
        <button type="button" class="secondary" onClick={props.onClose}>
          {s.close}
        </button>
      </div>
    </form>
  );
}

// CataloguePage lists the gifts members may redeem.
export function CataloguePage(props: { lang: Lang; navigate: Nav; may: May }) {
  const s = strings[props.lang].catalogue;
  const heading = useFocusHeading();
  const [gifts, setGifts] = useState<Gift[]>();
  const [balance, setBalance] = useState<number>();
  const [next, setNext] = useState<string>();
  const [error, setError] = useState<string>();
  const [open, setOpen] = useState<string>();
  const [done, setDone] = useState<Order>();
  const load = (cursor?: string) =>
    api.gifts(false, cursor).then(
      (p) => {
        setGifts((old) => (cursor ? [...(old ?? []), ...p.gifts] : p.gifts));
        setNext(p.next);
        setBalance(p.balance);
      },
      (e) => setError(codeOf(e)),
    );
  useEffect(() => {
    load();
  }, []);
  return (
    <section aria-labelledby="catalogue-title">
      <h1 id="catalogue-title" tabIndex={-1} ref={heading}>
        {s.title}
      </h1>
      <p>{s.intro}</p>
      {balance !== undefined && (
        <p>
          <strong>{s.balance(balance)}</strong>
        </p>
      )}
      <p class="links">
        <PageLink to="/rewards/orders" navigate={props.navigate}>
          {s.myOrders}
        </PageLink>
        {props.may('rewards.catalogue') && (
          <>
            {' · '}
            <PageLink to="/rewards/admin/catalogue" navigate={props.navigate}>
              {s.manage}
            </PageLink>
          </>
        )}
      </p>
      {done && <Done show text={s.ordered(`${done.giftName} (${done.variantLabel})`)} />}
      <Problem lang={props.lang} code={error} />
      {gifts && gifts.length === 0 && <p class="muted">{s.empty}</p>}
      <ul class="list gifts">
        {gifts?.map((g) => {
          const redeemText = (g: Gift, left: number) => (left === 0 ? s.outOfStock : (balance ?? 0) < g.cost ? s.notEnough(g.cost - (balance ?? 0)) : s.redeem);
          const left = g.variants.reduce((n, v) => n + Math.max(v.stock, 0), 0);
          // The button's accessible name starts with its visible text (WCAG 2.5.3), then names the gift.
          return (
            <li key={g.id} class="gift">
              <h2>{g.name}</h2>
              {g.description && <p class="prewrap">{g.description}</p>}
              <p>
                <strong>{s.cost(g.cost)}</strong> · {s.left(left)}
              </p>
              <p class="muted">
                {s.limit(g.perMemberLimit)} {g.needsShipping ? s.shipped : s.notShipped}
              </p>
              {open === g.id ? (
                <Redeem
                  lang={props.lang}
                  gift={g}
                  onClose={() => setOpen(undefined)}
                  onDone={(o) => {
                    setOpen(undefined);
                    setDone(o);
                    load();
                  }}
                />
              ) : (
                <button type="button" disabled={left === 0 || (balance ?? 0) < g.cost} onClick={() => setOpen(g.id)} aria-label={strings[props.lang].g4.named(redeemText(g, left), g.name)}>
                  {redeemText(g, left)}
                </button>
              )}
            </li>
          );
        })}
      </ul>
      {next && (
        <button type="button" class="secondary" onClick={() => load(next)}>
          {s.more}
        </button>
      )}
    </section>
  );
}

// AddressLines shows a shipping address.
export function AddressLines(props: { a: ShippingAddress }) {
  const a = props.a;
  return (
    <address>
      {[a.name, a.line1, a.line2, [a.postalCode, a.city].join(' '), a.region, a.country, a.phone].filter(Boolean).map((l, i) => (
        <span key={i}>
          {l}
          <br />
        </span>
      ))}
    </address>
  );
}

// OrdersPage lists the member's own orders; an order not approved yet may be cancelled.
export function OrdersPage(props: { lang: Lang; navigate: Nav }) {
  const s = strings[props.lang].catalogue;
  const heading = useFocusHeading();
  const [orders, setOrders] = useState<Order[]>();
  const [next, setNext] = useState<string>();
  const [error, setError] = useState<string>();
  const [cancelled, setCancelled] = useState(false);
  const load = (cursor?: string) =>
    api.myOrders(cursor).then(
      (p) => {
        setOrders((old) => (cursor ? [...(old ?? []), ...p.orders] : p.orders));
        setNext(p.next);
      },
      (e) => setError(codeOf(e)),
    );
  useEffect(() => {
    load();
  }, []);
  const cancel = async (o: Order) => {
    setError(undefined);
    try {
      const saved = await api.cancelOrder(o.id, '');
      setOrders((list) => list?.map((x) => (x.id === saved.id ? saved : x)));
      setCancelled(true);
    } catch (e) {
      setError(codeOf(e));
    }
  };
  return (
    <section aria-labelledby="orders-title">
      <h1 id="orders-title" tabIndex={-1} ref={heading}>
        {s.ordersTitle}
      </h1>
      <p>
        <PageLink to="/rewards/catalogue" navigate={props.navigate}>
          {s.backToCatalogue}
        </PageLink>
      </p>
      <Done show={cancelled} text={s.cancelled} />
      <Problem lang={props.lang} code={error} />
      {orders && orders.length === 0 && <p class="muted">{s.noOrders}</p>}
      <ul class="list orders">
        {orders?.map((o) => (
          <li key={o.id} class="order">
            <h2>
              {o.giftName} ({o.variantLabel})
            </h2>
            <p>
              <span class={`badge order-${o.status}`}>{s.statuses[o.status]}</span> {s.orderedOn(formatDate(props.lang, o.createdAt), s.cost(o.cost))}
            </p>
            {o.tracking && <p class="wrap">{s.tracking(o.carrier ?? '', o.tracking)}</p>}
            {o.status === 'cancelled' && <p class="muted">{s.cancelledNote(o.cancelReason ?? '')}</p>}
            {o.address && (
              <>
                <p class="muted">{s.shipTo}</p>
                <AddressLines a={o.address} />
              </>
            )}
            {o.addressErased && <p class="muted">{s.addressErased}</p>}
            {o.status === 'ordered' && (
              <button type="button" class="secondary" onClick={() => cancel(o)}>
                {s.cancelOrder}
              </button>
            )}
          </li>
        ))}
      </ul>
      {next && (
        <button type="button" class="secondary" onClick={() => load(next)}>
          {s.more}
        </button>
      )}
    </section>
  );
}
