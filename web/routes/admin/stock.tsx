/**
 * `/admin/stock`: every item's available, reserved and sold units, low stock (at most
 * {@linkcode LOW_STOCK} available) highlighted, and a restock form per item. `POST` with `itemId` and
 * `quantity` (a whole number from 1 to {@linkcode MAX_RESTOCK}) calls `Stock.Restock`; a bad quantity
 * is shown next to its item (422) and nothing changes.
 *
 * @module
 */
import { gatewayFor } from "../../gateway/mod.ts";
import { toApiError } from "../../api/errors.ts";
import { loadStock, type StockRow } from "../../admin/data.ts";
import { seeOther } from "../../admin/http.ts";
import type { AdminState } from "../../admin/state.ts";
import { LOW_STOCK } from "../../admin/view.ts";
import { Csrf } from "../../components/admin/Csrf.tsx";
import type { Handlers, PageProps } from "../../framework/types.ts";

/** Most units one restock may add. */
export const MAX_RESTOCK = 10_000;

/** What the page shows. */
export interface StockData {
  /** Items. */
  items: StockRow[];
  /** A failed restock: the item, the value sent and why, or null. */
  failed: { itemId: string; value: string; message: string } | null;
  /** An error for the whole page, or "". */
  error: string;
}

/** Checks a restock quantity; returns the number or the message to show. */
export function parseQuantity(value: string): number | string {
  const v = value.trim();
  if (v === "") return "Enter how many units to add.";
  if (!/^\d+$/.test(v)) return `Quantity must be a whole number, got "${v.slice(0, 20)}".`;
  const n = Number(v);
  if (n < 1 || n > MAX_RESTOCK) return `Quantity must be from 1 to ${MAX_RESTOCK}, got ${v.slice(0, 20)}.`;
  return n;
}

/** Levels and restocking. */
export const handler: Handlers<StockData, AdminState> = {
  async GET(ctx) {
    ctx.state.title = "Admin · Stock";
    return await ctx.render({
      items: await loadStock(gatewayFor(ctx.hono, ctx.deps)),
      failed: null,
      error: "",
    });
  },
  async POST(ctx) {
    ctx.state.title = "Admin · Stock";
    const gw = gatewayFor(ctx.hono, ctx.deps);
    const form = ctx.state.form!;
    const itemId = (form.get("itemId") ?? "").trim();
    const value = form.get("quantity") ?? "";
    const items = await loadStock(gw);
    const item = items.find((i) => i.id === itemId);
    if (!item) {
      return await ctx.render({
        items,
        failed: null,
        error: `Unknown item "${itemId.slice(0, 64)}". Nothing was changed.`,
      }, {
        status: 422,
      });
    }
    const quantity = parseQuantity(value);
    if (typeof quantity === "string") {
      return await ctx.render({
        items,
        failed: { itemId, value: value.slice(0, 20), message: quantity },
        error: "",
      }, {
        status: 422,
      });
    }
    try {
      const after = await gw.stock.restock(itemId, quantity);
      ctx.deps.log.info("admin restock", { itemId, quantity });
      ctx.deps.admin!.sessions.flash(ctx.state.session!, {
        kind: "success",
        text: `Added ${quantity} ${quantity === 1 ? "unit" : "units"} of ${item.name}; ${
          after?.available ?? item.available + quantity
        } available now.`,
      });
      return seeOther("/admin/stock");
    } catch (err) {
      const e = toApiError(err, "stock");
      return await ctx.render({ items, failed: { itemId, value, message: e.message }, error: "" }, {
        status: e.status,
      });
    }
  },
};

/** The stock page. */
export default function Stock({ data, state }: PageProps<StockData, AdminState>) {
  const low = data.items.filter((i) => i.available <= LOW_STOCK).length;
  return (
    <div class="stock-page">
      <h1>Stock</h1>
      {data.error && <p class="alert error" role="alert" data-testid="action-error">{data.error}</p>}
      {data.failed && (
        <p class="alert error" role="alert" data-testid="action-error">
          Could not restock: {data.failed.message}
        </p>
      )}
      <p class="muted">
        {low === 0
          ? "No item is low."
          : `${low} ${low === 1 ? "item is" : "items are"} low (${LOW_STOCK} or fewer available).`}
      </p>
      <div class="table-scroll" role="region" aria-label="Stock levels" tabIndex={0}>
        <table class="admin-table cards stock-table">
          <thead>
            <tr>
              <th scope="col">Item</th>
              <th scope="col" class="num">Available</th>
              <th scope="col" class="num">Reserved</th>
              <th scope="col" class="num">Sold</th>
              <th scope="col">Restock</th>
            </tr>
          </thead>
          <tbody>
            {data.items.map((i) => {
              const isLow = i.available <= LOW_STOCK;
              const failed = data.failed?.itemId === i.id ? data.failed : null;
              return (
                <tr
                  key={i.id}
                  class={isLow ? "low" : undefined}
                  data-testid="stock-row"
                  data-item-id={i.id}
                  data-low={isLow ? "true" : "false"}
                >
                  <th scope="row" class="wide">
                    {i.name} <span class="muted">#{i.id}</span>
                    {isLow && <span class="low-badge">{i.available === 0 ? "Sold out" : "Low"}</span>}
                  </th>
                  <td class="num" data-label="Available" data-testid="available">{i.available}</td>
                  <td class="num" data-label="Reserved" data-testid="reserved">{i.reserved}</td>
                  <td class="num" data-label="Sold" data-testid="sold">{i.sold}</td>
                  <td class="wide">
                    <form method="post" action="/admin/stock" class="restock" data-busy="Restocking…">
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
