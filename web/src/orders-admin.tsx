// The catalogue's staff page (issue 12, r3; marketers and admins, rewards.catalogue):
// gifts with their stock, a gift's editor, the orders of each status with their moves,
// the CSV of orders to ship and how long addresses are kept.
import { CampaignPicker } from './pickers';
import { parseVariants } from './catalogue-input';
import { useEffect, useState } from 'preact/hooks';
import { api, campaignsApi, Gift, GiftInput, Order, OrderStatusRequest } from './api';
import { formatDate, Lang, strings } from './i18n';
import { useFocusHeading } from './signin';
import { AddressLines } from './catalogue';
import { codeOf, Done, fieldAttrs, FieldProblem, FormLevelProblem, FormProblem, Label, Problem, problemOf, RequiredNote } from './ui';

type Nav = (path: string) => void;
const val = (e: Event) => (e.currentTarget as HTMLInputElement).value;
const statuses = ['ordered', 'approved', 'shipped', 'delivered', 'cancelled'];

// GiftForm makes a gift, or edits one (gift set).
function GiftForm(props: { lang: Lang; gift?: Gift; onSaved: (g: Gift) => void; onCancel?: () => void }) {
  const s = strings[props.lang].catalogue;
  const g = props.gift;
  const id = g ? `gift-${g.id}` : 'gift-new';
  const [name, setName] = useState(g?.name ?? '');
  const [description, setDescription] = useState(g?.description ?? '');
  const [cost, setCost] = useState(g ? String(g.cost) : '');
  const [limit, setLimit] = useState(g ? String(g.perMemberLimit) : '1');
  const [shipping, setShipping] = useState(g?.needsShipping ?? true);
  const [active, setActive] = useState(g?.active ?? true);
  const [campaign, setCampaign] = useState(g?.campaignId ?? '');
  const [variants, setVariants] = useState('');
  const [badLine, setBadLine] = useState(0);
  const [problem, setProblem] = useState<FormProblem>();
  const submit = async (e: Event) => {
    e.preventDefault();
    const empty = !name.trim() ? 'name' : !cost.trim() ? 'cost' : !g && !variants.trim() ? 'variants' : undefined;
    if (empty) {
      setProblem({ code: 'missing_field', field: empty });
      return;
    }
    const parsed = parseVariants(variants);
    if (parsed.badLine) {
      setBadLine(parsed.badLine);
      setProblem({ code: 'invalid_variant_line', field: 'variants' });
      return;
    }
    const input: GiftInput = {
      name,
      description,
      cost: Number(cost),
      perMemberLimit: Number(limit),
      needsShipping: shipping,
      active,
      variants: [...(g ? g.variants.map((v) => ({ id: v.id, label: v.label })) : []), ...parsed.variants],
      ...(campaign ? { campaignId: campaign } : {}),
    };
    try {
      props.onSaved(g ? await api.editGift(g.id, input) : await api.createGift(input));
      setProblem(undefined);
      if (!g) {
        setName('');
        setDescription('');
        setCost('');
        setVariants('');
      }
    } catch (err) {
      setProblem(problemOf(err, { invalid_gift_name: 'name', invalid_gift_description: 'description', invalid_gift_cost: 'cost', invalid_member_limit: 'perMemberLimit', invalid_variants: 'variants', unknown_campaign: 'campaignId', campaign_fixed: 'campaignId', campaign_ended: 'campaignId' }));
    }
  };
  const fields = ['name', 'description', 'cost', 'perMemberLimit', 'variants', 'campaignId'];
  return (
    <form onSubmit={submit} noValidate aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{g ? s.editGift(g.name) : s.newGift}</h3>
      <RequiredNote lang={props.lang} />
      <Label for={`${id}-name`} required>
        {s.name}
      </Label>
      <input id={`${id}-name`} required maxLength={100} value={name} onInput={(e) => setName(val(e))} {...fieldAttrs(problem, 'name', `${id}-name`)} />
      <FieldProblem lang={props.lang} problem={problem} field="name" id={`${id}-name`} label={s.name} />
      <label for={`${id}-desc`}>{s.description}</label>
      <textarea id={`${id}-desc`} rows={3} maxLength={2000} value={description} onInput={(e) => setDescription(val(e))} {...fieldAttrs(problem, 'description', `${id}-desc`)} />
      <FieldProblem lang={props.lang} problem={problem} field="description" id={`${id}-desc`} label={s.description} />
      <Label for={`${id}-cost`} required>
        {s.costLabel}
      </Label>
      <input id={`${id}-cost`} type="number" min={1} max={1000000} required inputMode="numeric" value={cost} onInput={(e) => setCost(val(e))} {...fieldAttrs(problem, 'cost', `${id}-cost`)} />
      <FieldProblem lang={props.lang} problem={problem} field="cost" id={`${id}-cost`} label={s.costLabel} />
      <Label for={`${id}-limit`} required>
        {s.limitLabel}
      </Label>
      <input id={`${id}-limit`} type="number" min={1} max={100} required inputMode="numeric" value={limit} onInput={(e) => setLimit(val(e))} {...fieldAttrs(problem, 'perMemberLimit', `${id}-limit`)} />
      <FieldProblem lang={props.lang} problem={problem} field="perMemberLimit" id={`${id}-limit`} label={s.limitLabel} />
      <Label for={`${id}-variants`} required={!g}>
        {g ? s.newVariants : s.variants}
      </Label>
      <p class="muted">{strings[props.lang].g4.variantsHint}</p>
      <textarea id={`${id}-variants`} rows={3} required={!g} value={variants} onInput={(e) => setVariants(val(e))} {...fieldAttrs(problem, 'variants', `${id}-variants`)} />
      <FieldProblem lang={props.lang} problem={problem} field="variants" id={`${id}-variants`} label={g ? s.newVariants : s.variants} text={problem?.code === 'invalid_variant_line' ? strings[props.lang].g4.variantLineBad(badLine) : undefined} />
      <label for={`${id}-campaign`}>{s.campaign}</label>
      <CampaignPicker lang={props.lang} id={`${id}-campaign`} value={campaign} disabled={!!g} onChange={setCampaign} attrs={fieldAttrs(problem, 'campaignId', `${id}-campaign`)} />
      <FieldProblem lang={props.lang} problem={problem} field="campaignId" id={`${id}-campaign`} label={s.campaign} />
      <label class="check">
        <input type="checkbox" checked={shipping} onChange={(e) => setShipping((e.currentTarget as HTMLInputElement).checked)} /> {s.needsShipping}
      </label>
      <label class="check">
        <input type="checkbox" checked={active} onChange={(e) => setActive((e.currentTarget as HTMLInputElement).checked)} /> {s.active}
      </label>
      <FormLevelProblem lang={props.lang} problem={problem} fields={fields} />
      <div class="actions">
        <button type="submit">{g ? s.save : s.create}</button>
        {props.onCancel && (
          <button type="button" class="secondary" onClick={props.onCancel}>
            {s.close}
          </button>
        )}
      </div>
    </form>
  );
}

// StockForm changes one variant's stock.
function StockForm(props: { lang: Lang; gift: Gift; variant: Gift['variants'][number]; onSaved: (g: Gift) => void }) {
  const s = strings[props.lang].catalogue;
  const id = `stock-${props.variant.id}`;
  const [add, setAdd] = useState('');
  const [problem, setProblem] = useState<FormProblem>();
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!add.trim()) {
      setProblem({ code: 'missing_field', field: 'add' });
      return;
    }
    try {
      props.onSaved(await api.addStock(props.gift.id, props.variant.id, Number(add)));
      setAdd('');
      setProblem(undefined);
    } catch (err) {
      setProblem(problemOf(err, { invalid_stock_change: 'add', stock_below_zero: 'add' }));
    }
  };
  return (
    <form onSubmit={submit} noValidate class="inline-form">
      <p>{s.stockOf(props.variant.label, props.variant.stock, props.variant.added)}</p>
      <label for={id}>{s.stockAmount(props.variant.label)}</label>
      <input id={id} type="number" inputMode="numeric" min={-100000} max={100000} value={add} onInput={(e) => setAdd(val(e))} {...fieldAttrs(problem, 'add', id)} />
      <FieldProblem lang={props.lang} problem={problem} field="add" id={id} label={s.stockAmount(props.variant.label)} />
      <FormLevelProblem lang={props.lang} problem={problem} fields={['add']} />
      <button type="submit" class="secondary">
        {s.addStock}
      </button>
    </form>
  );
}

// OrderActions are the moves of an order from where it is.
function OrderActions(props: { lang: Lang; order: Order; onSaved: (o: Order) => void }) {
  const s = strings[props.lang].catalogue;
  const o = props.order;
  const id = `order-${o.id}`;
  // A shipped order's fields start from what it has, to correct a typo.
  const [carrier, setCarrier] = useState(o.status === 'shipped' ? o.carrier ?? '' : '');
  const [tracking, setTracking] = useState(o.status === 'shipped' ? o.tracking ?? '' : '');
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<FormProblem>();
  const move = async (req: OrderStatusRequest) => {
    if (req.status === 'shipped') {
      const empty = !carrier.trim() ? 'carrier' : !tracking.trim() ? 'tracking' : undefined;
      if (empty) {
        setProblem({ code: 'missing_field', field: empty });
        return;
      }
    }
    try {
      props.onSaved(await api.moveOrder(o.id, req));
      setProblem(undefined);
    } catch (err) {
      setProblem(problemOf(err, { invalid_carrier: 'carrier', invalid_tracking: 'tracking', invalid_cancel_reason: 'reason', shipping_unchanged: 'tracking' }));
    }
  };
  if (o.status === 'delivered' || o.status === 'cancelled') return null;
  return (
    <div class="order-actions">
      {o.status === 'shipped' && <h4 class="small">{strings[props.lang].g4.correctShipping}</h4>}
      {(o.status === 'approved' || o.status === 'shipped') && o.needsShipping && (
        <>
          <Label for={`${id}-carrier`} required>
            {s.carrier}
          </Label>
          <input id={`${id}-carrier`} maxLength={60} required value={carrier} onInput={(e) => setCarrier(val(e))} {...fieldAttrs(problem, 'carrier', `${id}-carrier`)} />
          <FieldProblem lang={props.lang} problem={problem} field="carrier" id={`${id}-carrier`} label={s.carrier} />
          <Label for={`${id}-tracking`} required>
            {s.trackingLabel}
          </Label>
          <input id={`${id}-tracking`} maxLength={40} required value={tracking} onInput={(e) => setTracking(val(e))} {...fieldAttrs(problem, 'tracking', `${id}-tracking`)} />
          <FieldProblem lang={props.lang} problem={problem} field="tracking" id={`${id}-tracking`} label={s.trackingLabel} />
        </>
      )}
      {o.status !== 'shipped' && (
        <>
          <label for={`${id}-reason`}>{s.reason}</label>
          <input id={`${id}-reason`} maxLength={300} value={reason} onInput={(e) => setReason(val(e))} {...fieldAttrs(problem, 'reason', `${id}-reason`)} />
          <FieldProblem lang={props.lang} problem={problem} field="reason" id={`${id}-reason`} label={s.reason} />
        </>
      )}
      <FormLevelProblem lang={props.lang} problem={problem} fields={['carrier', 'tracking', 'reason']} />
      <div class="actions">
        {o.status === 'ordered' && (
          <button type="button" onClick={() => move({ status: 'approved' })}>
            {s.approve}
          </button>
        )}
        {o.status === 'approved' && o.needsShipping && (
          <button type="button" onClick={() => move({ status: 'shipped', carrier, tracking })}>
            {s.ship}
          </button>
        )}
        {o.status === 'shipped' && (
          <button type="button" class="secondary" onClick={() => move({ status: 'shipped', carrier, tracking })}>
            {strings[props.lang].g4.saveShipping}
          </button>
        )}
        {(o.status === 'shipped' || (o.status === 'approved' && !o.needsShipping)) && (
          <button type="button" onClick={() => move({ status: 'delivered' })}>
            {s.deliver}
          </button>
        )}
        {o.status !== 'shipped' && (
          <button type="button" class="secondary" onClick={() => move({ status: 'cancelled', ...(reason ? { reason } : {}) })}>
            {s.cancelStaff}
          </button>
        )}
      </div>
    </div>
  );
}

// CatalogueAdmin is the staff page of the catalogue and its orders.
export function CatalogueAdmin(props: { lang: Lang; navigate: Nav }) {
  const t = strings[props.lang];
  const s = t.catalogue;
  const heading = useFocusHeading();
  const [gifts, setGifts] = useState<Gift[]>();
  const [editing, setEditing] = useState<string>();
  const [status, setStatus] = useState('ordered');
  const [orders, setOrders] = useState<Order[]>();
  const [opened, setOpened] = useState<Record<string, Order>>({});
  const [error, setError] = useState<string>();
  const [days, setDays] = useState('');
  const [saved, setSaved] = useState(false);
  const [settingsProblem, setSettingsProblem] = useState<FormProblem>();
  const loadGifts = () => api.gifts(true).then((p) => setGifts(p.gifts), (e) => setError(codeOf(e)));
  // The campaigns gifts belong to, by id: their titles and states (one page: a
  // catalogue's campaigns are few).
  const [campaigns, setCampaigns] = useState<Record<string, { title: string; state: string }>>({});
  useEffect(() => {
    campaignsApi.all().then((r) => setCampaigns(Object.fromEntries(r.campaigns.map((c) => [c.id, { title: c.title, state: c.state }]))), () => undefined);
  }, []);
  const loadOrders = (st: string) => api.orders(st).then((p) => setOrders(p.orders), (e) => setError(codeOf(e)));
  useEffect(() => {
    // ?order= (a link from a member's points history) opens that order in its status.
    const wanted = new URLSearchParams(location.search).get('order');
    if (wanted) api.order(wanted).then((full) => { setStatus(full.status); setOpened((o) => ({ ...o, [full.id]: full })); }, (e) => setError(codeOf(e)));
    loadGifts();
    api.catalogueSettings().then((st) => setDays(String(st.addressDays)), () => undefined);
  }, []);
  useEffect(() => {
    loadOrders(status);
  }, [status]);
  const replaceGift = (g: Gift) => setGifts((list) => (list?.some((x) => x.id === g.id) ? list.map((x) => (x.id === g.id ? g : x)) : [g, ...(list ?? [])]));
  // An order's details (its address) come from the order itself, for staff.
  const open = (o: Order) => api.order(o.id).then((full) => setOpened({ ...opened, [o.id]: full }), (e) => setError(codeOf(e)));
  const saveSettings = async (e: Event) => {
    e.preventDefault();
    try {
      await api.saveCatalogueSettings(Number(days));
      setSaved(true);
      setSettingsProblem(undefined);
    } catch (err) {
      setSaved(false);
      setSettingsProblem(problemOf(err, { invalid_address_days: 'addressDays' }));
    }
  };
  return (
    <section aria-labelledby="catalogue-admin-title">
      <h1 id="catalogue-admin-title" tabIndex={-1} ref={heading}>
        {s.adminTitle}
      </h1>
      <Problem lang={props.lang} code={error} />
      <section class="section" aria-labelledby="gifts-admin-title">
        <h2 id="gifts-admin-title">{s.giftsTitle}</h2>
        <ul class="list gifts">
          {gifts?.map((g) => (
            <li key={g.id} class="gift">
              <h3>
                {g.name} {!g.active && <span class="badge">{s.notOffered}</span>}
              </h3>
              <p>
                {s.cost(g.cost)} · {s.limit(g.perMemberLimit)}
              </p>
              {g.campaignId && (
                <p>
                  {(() => {
                    const c = campaigns[g.campaignId];
                    return c ? t.g4.giftOfCampaign(c.title, t.campaigns.states[c.state] ?? c.state) : t.g4.giftOfUnknownCampaign;
                  })()}
                </p>
              )}
              {g.variants.map((v) => (
                <StockForm key={v.id} lang={props.lang} gift={g} variant={v} onSaved={replaceGift} />
              ))}
              {editing === g.id ? (
                <GiftForm
                  lang={props.lang}
                  gift={g}
                  onSaved={(saved) => {
                    replaceGift(saved);
                    setEditing(undefined);
                  }}
                  onCancel={() => setEditing(undefined)}
                />
              ) : (
                <button type="button" class="secondary" onClick={() => setEditing(g.id)} aria-label={t.g4.named(s.edit, g.name)}>
                  {s.edit}
                </button>
              )}
            </li>
          ))}
        </ul>
        <GiftForm lang={props.lang} onSaved={replaceGift} />
      </section>
      <section class="section" aria-labelledby="orders-admin-title">
        <h2 id="orders-admin-title">{s.ordersAdmin}</h2>
        <p>
          <a href={api.ordersToShipUrl} download>
            {s.exportCsv}
          </a>
        </p>
        <label for="orders-status">{s.statusFilter}</label>
        <select id="orders-status" value={status} onChange={(e) => setStatus(val(e))}>
          {statuses.map((st) => (
            <option key={st} value={st}>
              {s.statuses[st]}
            </option>
          ))}
        </select>
        {orders && orders.length === 0 && <p class="muted">{s.noOrdersIn}</p>}
        <ul class="list orders">
          {orders?.map((o) => {
            const full = opened[o.id];
            return (
              <li key={o.id} class="order">
                <p>
                  <strong>{s.orderBy(t.person(o.memberName, o.memberDeleted), `${o.giftName} (${o.variantLabel})`)}</strong>
                </p>
                <p class="muted">
                  <span class={`badge order-${o.status}`}>{s.statuses[o.status]}</span> {s.orderedOn(formatDate(props.lang, o.createdAt), s.cost(o.cost))}
                </p>
                {o.tracking && <p class="wrap">{s.tracking(o.carrier ?? '', o.tracking)}</p>}
                {full?.address && <AddressLines a={full.address} />}
                {full?.addressErased && <p class="muted">{s.addressErased}</p>}
                {o.needsShipping && !full && (
                  <button type="button" class="secondary" onClick={() => open(o)}>
                    {s.shipTo}
                  </button>
                )}
                <OrderActions
                  lang={props.lang}
                  order={o}
                  onSaved={(moved) => {
                    setOrders((list) => (moved.status === o.status ? list?.map((x) => (x.id === moved.id ? moved : x)) : list?.filter((x) => x.id !== moved.id)));
                  }}
                />
              </li>
            );
          })}
        </ul>
      </section>
      <section class="section" aria-labelledby="catalogue-settings-title">
        <h2 id="catalogue-settings-title">{s.settingsTitle}</h2>
        <form onSubmit={saveSettings} noValidate>
          <RequiredNote lang={props.lang} />
          <Label for="address-days" required>
            {s.addressDays}
          </Label>
          <input id="address-days" type="number" min={1} max={365} required inputMode="numeric" value={days} onInput={(e) => setDays(val(e))} {...fieldAttrs(settingsProblem, 'addressDays', 'address-days')} />
          <FieldProblem lang={props.lang} problem={settingsProblem} field="addressDays" id="address-days" label={s.addressDays} />
          <FormLevelProblem lang={props.lang} problem={settingsProblem} fields={['addressDays']} />
          <Done show={saved} text={s.saved} />
          <button type="submit">{s.save}</button>
        </form>
      </section>
    </section>
  );
}

