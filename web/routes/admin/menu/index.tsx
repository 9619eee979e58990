/**
 * `/admin/menu`: menu control. Busy mode (minutes added to the pickup estimate customers see), then
 * every item with its photo, name, price, category, station and levels (available, reserved, sold;
 * low stock highlighted), a one-tap "86" button that takes it off the menu or brings it back (a POST
 * form, no confirmation page: `menu/[id]/off-menu.tsx`), a link to edit it (`menu/[id].tsx`) and a
 * restock form (`POST /admin/menu`, see `admin/restock.ts`). Replaces `/admin/stock`, which redirects
 * here.
 *
 * @module
 */
import { LOW_STOCK } from "../../../admin/view.ts";
import { BUSY_CHOICES } from "../../../admin/busy_form.ts";
import { type MenuPageData, renderMenuPage } from "../../../admin/menu_page.ts";
import { MAX_RESTOCK, restockPost } from "../../../admin/restock.ts";
import type { AdminState } from "../../../admin/state.ts";
import { Csrf } from "../../../components/admin/Csrf.tsx";
import { imageSrc } from "../../../components/menu/menu.ts";
import { asset } from "../../../framework/static.ts";
import type { Handlers, PageProps } from "../../../framework/types.ts";
import { formatMoney } from "../../../lib/money.ts";

/** The page; restocking. */
export const handler: Handlers<MenuPageData, AdminState> = {
  GET: (ctx) => renderMenuPage(ctx),
  POST: (ctx) => restockPost(ctx),
};

function BusyMode({ data, csrf }: { data: MenuPageData; csrf: string }) {
  const current = data.busyError ? data.busyError.value : String(data.busyMinutes);
  const choices = BUSY_CHOICES.includes(data.busyMinutes)
    ? BUSY_CHOICES
    : [...BUSY_CHOICES, data.busyMinutes].sort((a, b) => a - b);
  return (
    <section class="busy-mode" aria-labelledby="busy-title" data-testid="busy-mode">
      <h2 id="busy-title">Busy mode</h2>
      <p data-testid="busy-now">
        {data.busyMinutes === 0
          ? "Off: customers see the usual pickup times."
          : `On: ${data.busyMinutes} minutes added to every pickup estimate customers see.`}
      </p>
      <form method="post" action="/admin/menu/busy" class="busy-form" data-busy="Saving…">
        <Csrf token={csrf} />
        <label for="busy-minutes">Extra minutes</label>
        <select
          id="busy-minutes"
          name="minutes"
          aria-invalid={data.busyError ? "true" : undefined}
          aria-describedby={data.busyError ? "busy-err" : undefined}
        >
          {choices.map((m) => (
            <option key={m} value={String(m)} selected={String(m) === current}>
              {m === 0 ? "Not busy (0)" : `+${m} minutes`}
            </option>
          ))}
        </select>
        <button type="submit" class="button">Set busy mode</button>
        {data.busyError && <span class="field-error" id="busy-err">{data.busyError.message}</span>}
      </form>
    </section>
  );
}

/** The menu page. */
export default function MenuAdmin({ data, state }: PageProps<MenuPageData, AdminState>) {
  const low = data.items.filter((i) => i.available <= LOW_STOCK).length;
  const off = data.items.filter((i) => i.offMenu).length;
  const locale = state.shop.locale;
  return (
    <div class="stock-page menu-admin">
      <link rel="stylesheet" href={asset("/_static/admin_menu.css")} />
      <h1>Menu</h1>
      {data.error && <p class="alert error" role="alert" data-testid="action-error">{data.error}</p>}
      {data.failed && (
        <p class="alert error" role="alert" data-testid="action-error">
          Could not restock: {data.failed.message}
        </p>
      )}
      <BusyMode data={data} csrf={state.csrf} />
      <h2>Items</h2>
      <p class="muted">
        {off === 0
          ? "Every item is on the menu. "
          : `${off} ${off === 1 ? "item is" : "items are"} off the menu. `}
        {low === 0
          ? "No item is low."
          : `${low} ${low === 1 ? "item is" : "items are"} low (${LOW_STOCK} or fewer available).`}
      </p>
      <div class="table-scroll" role="region" aria-label="Menu items" tabIndex={0}>
        <table class="admin-table cards stock-table menu-table">
          <thead>
            <tr>
              <th scope="col">Photo</th>
              <th scope="col">Item</th>
              <th scope="col" class="num">Price</th>
              <th scope="col" class="num">Available</th>
              <th scope="col" class="num">Reserved</th>
              <th scope="col" class="num">Sold</th>
              <th scope="col">On the menu</th>
              <th scope="col">Restock</th>
            </tr>
          </thead>
          <tbody>
            {data.items.map((i) => {
              const isLow = i.available <= LOW_STOCK;
              const failed = data.failed?.itemId === i.id ? data.failed : null;
              const price = { amount: i.price?.amount ?? 0, currency: i.price?.currency ?? "EUR" };
              return (
                <tr
                  key={i.id}
                  class={isLow ? "low" : undefined}
                  data-testid="stock-row"
                  data-item-id={i.id}
                  data-low={isLow ? "true" : "false"}
                >
                  <td data-label="Photo">
                    <img
                      class="menu-thumb"
                      src={imageSrc(i.image)}
                      width={64}
                      height={48}
                      alt=""
                      loading="lazy"
                    />
                  </td>
                  <th scope="row" class="wide" id={`item-${i.id}`}>
                    <a href={`/admin/menu/${encodeURIComponent(i.id)}`} data-testid="edit-link">{i.name}</a>
                    {" "}
                    <span class="muted">#{i.id}</span>
                    {isLow && <span class="low-badge">{i.available === 0 ? "Sold out" : "Low"}</span>}
                    <span class="menu-meta muted">
                      {i.category || "No category"} · {i.station ? `station ${i.station}` : "no station"}
                    </span>
                  </th>
                  <td class="num" data-label="Price" data-testid="price">{formatMoney(price, locale)}</td>
                  <td class="num" data-label="Available" data-testid="available">{i.available}</td>
                  <td class="num" data-label="Reserved" data-testid="reserved">{i.reserved}</td>
                  <td class="num" data-label="Sold" data-testid="sold">{i.sold}</td>
                  <td data-label="On the menu">
                    <form
                      method="post"
                      action={`/admin/menu/${encodeURIComponent(i.id)}/off-menu`}
                      class="eighty-six"
                      data-busy={i.offMenu ? "Putting back…" : "Taking off…"}
                    >
                      <Csrf token={state.csrf} />
                      <input type="hidden" name="offMenu" value={i.offMenu ? "false" : "true"} />
                      <span class={`menu-state ${i.offMenu ? "is-off" : "is-on"}`} data-testid="menu-state">
                        {i.offMenu ? "Off (86)" : "On"}
                      </span>
                      <button
                        type="submit"
                        class="button"
                        data-testid="toggle-86"
                        aria-describedby={`item-${i.id}`}
                      >
                        {i.offMenu ? "Back on the menu" : "86 it"}
                      </button>
                    </form>
                  </td>
                  <td class="wide">
                    <form method="post" action="/admin/menu" class="restock" data-busy="Restocking…">
                      <Csrf token={state.csrf} />
                      <input type="hidden" name="itemId" value={i.id} />
                      <label for={`restock-${i.id}`} class="sr-only">Units of {i.name} to add</label>
                      <input
                        id={`restock-${i.id}`}
                        name="quantity"
                        type="number"
                        inputMode="numeric"
                        min={1}
                        max={MAX_RESTOCK}
                        step={1}
                        required
                        value={failed ? failed.value : "10"}
                        aria-invalid={failed ? "true" : undefined}
                        aria-describedby={failed ? `restock-err-${i.id}` : undefined}
                      />
                      <button type="submit" class="button">Restock</button>
                      {failed && <span class="field-error" id={`restock-err-${i.id}`}>{failed.message}</span>}
                    </form>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </div>
  );
}
