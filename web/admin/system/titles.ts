/**
 * What the System page calls each process.
 *
 * @module
 */

const TITLES: Record<string, string> = {
  orders: "Orders",
  stock: "Stock",
  payments: "Payments",
  kitchen: "Kitchen",
  web: "Web",
};

/** A process's name for people. */
export function titleOf(proc: string): string {
  return TITLES[proc] ?? proc;
}
