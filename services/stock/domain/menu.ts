/**
 * The demo menu seeded into an empty catalog on first start. Ids are decimal strings because the seed
 * project's clients send numeric item ids.
 *
 * @module
 */

/** One dish of the demo menu, with its opening stock. */
export interface MenuItem {
  /** Decimal id, e.g. `"1"`. */
  id: string;
  /** Display name. */
  name: string;
  /** One-line description. */
  description: string;
  /** Price in minor units (cents) of {@linkcode MENU_CURRENCY}. */
  price: number;
  /** Units in stock at seeding. */
  quantity: number;
}

/** The currency of every menu price. */
export const MENU_CURRENCY = "EUR";

/** The demo menu: ten dishes, most with 25 units, some scarcer. */
export const MENU: readonly MenuItem[] = [
  {
    id: "1",
    name: "Margherita",
    description: "Tomato, fior di latte, basil, olive oil",
    price: 850,
    quantity: 25,
  },
  {
    id: "2",
    name: "Marinara",
    description: "Tomato, garlic, oregano, olive oil",
    price: 700,
    quantity: 25,
  },
  {
    id: "3",
    name: "Diavola",
    description: "Tomato, fior di latte, spicy salami, chili",
    price: 1050,
    quantity: 20,
  },
  {
    id: "4",
    name: "Quattro Formaggi",
    description: "Fior di latte, gorgonzola, parmesan, fontina",
    price: 1150,
    quantity: 15,
  },
  {
    id: "5",
    name: "Capricciosa",
    description: "Tomato, ham, mushrooms, artichokes, olives",
    price: 1200,
    quantity: 25,
  },
  {
    id: "6",
    name: "Funghi",
    description: "Tomato, fior di latte, mushrooms",
    price: 950,
    quantity: 25,
  },
  {
    id: "7",
    name: "Caesar Salad",
    description: "Romaine, croutons, parmesan, Caesar dressing",
    price: 800,
    quantity: 30,
  },
  {
    id: "8",
    name: "Tiramisu",
    description: "Mascarpone, espresso-soaked savoiardi, cocoa",
    price: 600,
    quantity: 10,
  },
  {
    id: "9",
    name: "Lemonade",
    description: "Fresh lemons, cane sugar, mint",
    price: 350,
    quantity: 40,
  },
  {
    id: "10",
    name: "Espresso",
    description: "Single shot, house blend",
    price: 250,
    quantity: 50,
  },
];
