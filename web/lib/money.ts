/**
 * Money for people: amounts arrive in minor units (cents) with an ISO 4217 code and are shown with the
 * currency's own number of decimals (`1250 EUR` -> `€12.50`, `500 JPY` -> `¥500`). Used on the server
 * and in islands, so it has no dependencies.
 *
 * @module
 */

/** Money in minor units, as the JSON API shows it. */
export interface Money {
  /** Minor units. */
  amount: number;
  /** ISO 4217 code, e.g. `EUR`. */
  currency: string;
}

/** A currency format with its number of decimals (read once: `resolvedOptions()` builds an object per call). */
interface CurrencyFormat {
  format: Intl.NumberFormat;
  digits: number;
}

const formats = new Map<string, CurrencyFormat>();

function formatFor(currency: string, locale: string): CurrencyFormat | null {
  const key = `${locale} ${currency}`;
  let f = formats.get(key);
  if (!f) {
    try {
      const format = new Intl.NumberFormat(locale, { style: "currency", currency });
      f = { format, digits: format.resolvedOptions().maximumFractionDigits ?? 2 };
    } catch {
      return null;
    }
    formats.set(key, f);
  }
  return f;
}

/**
 * Formats `m` for `locale` (the shop's, `SHOP_LOCALE`), e.g. `€12.50` in `en`, `12,50 €` in `de-DE`;
 * an unknown currency code is shown as `12.50 XYZ`.
 */
export function formatMoney(m: Money, locale = "en"): string {
  const f = formatFor(m.currency, locale);
  if (!f) return `${(m.amount / 100).toFixed(2)} ${m.currency}`.trim();
  return f.format.format(m.amount / 10 ** f.digits);
}

/** Sum of `unit × quantity` over `lines`, in the first line's currency (`emptyCurrency` when there are none). */
export function totalOf(lines: { unitPrice: Money; quantity: number }[], emptyCurrency = ""): Money {
  return {
    amount: lines.reduce((sum, l) => sum + l.unitPrice.amount * l.quantity, 0),
    currency: lines[0]?.unitPrice.currency ?? emptyCurrency,
  };
}
