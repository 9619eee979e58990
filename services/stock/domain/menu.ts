/**
 * The demo menu seeded into an empty catalog on first start (and filled into catalogs seeded before the
 * menu had categories, tags, allergens, images and positions: `store.ts`, `upgradeCatalog`). Ids are
 * decimal strings because the seed project's clients send numeric item ids; ids 1-10 keep the ids and
 * prices they always had, 11-14 came later. Listed in menu order.
 *
 * @module
 */

/** A dietary tag shown on the menu. */
export type MenuTag = "vegetarian" | "vegan" | "spicy" | "gluten_free";

/** An allergen, by its EU name in lowercase. */
export type Allergen =
  | "gluten"
  | "milk"
  | "eggs"
  | "nuts"
  | "peanuts"
  | "soy"
  | "fish"
  | "crustaceans"
  | "molluscs"
  | "celery"
  | "mustard"
  | "sesame"
  | "sulphites"
  | "lupin";

/** One dish of the demo menu, with its opening stock and how the menu shows it. */
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
  /** Menu section, e.g. "Pizzas". */
  category: string;
  /** Dietary tags. */
  tags: readonly MenuTag[];
  /** Allergens the dish contains. */
  allergens: readonly Allergen[];
  /** Place on the menu, ascending (10, 20, ...). */
  position: number;
  /** The kitchen station that makes it ("oven", "cold" or "bar"): pizzas bake in the oven, salads and desserts
   * come from the cold station, drinks from the bar. */
  station: string;
}

/** The currency of every menu price. */
export const MENU_CURRENCY = "EUR";

/** The menu's file-name form of an item name: lowercase, each run of other characters a "-". */
export function menuSlug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
}

/** The web path of a demo item's illustration (web/static/menu/<slug>.svg). */
export function menuImage(name: string): string {
  return `/menu/${menuSlug(name)}.svg`;
}

/** The demo menu in menu order: pizzas, salads, desserts, drinks. */
export const MENU: readonly MenuItem[] = [
  {
    id: "1",
    name: "Margherita",
    description: "Tomato, fior di latte, basil, olive oil",
    price: 850,
    quantity: 25,
    category: "Pizzas",
    tags: ["vegetarian"],
    allergens: ["gluten", "milk"],
    position: 10,
    station: "oven",
  },
  {
    id: "2",
    name: "Marinara",
    description: "Tomato, garlic, oregano, olive oil",
    price: 700,
    quantity: 25,
    category: "Pizzas",
    tags: ["vegan"],
    allergens: ["gluten"],
    position: 20,
    station: "oven",
  },
  {
    id: "3",
    name: "Diavola",
    description: "Tomato, fior di latte, spicy salami, chili",
    price: 1050,
    quantity: 20,
    category: "Pizzas",
    tags: ["spicy"],
    allergens: ["gluten", "milk"],
    position: 30,
    station: "oven",
  },
  {
    id: "4",
    name: "Quattro Formaggi",
    description: "Fior di latte, gorgonzola, parmesan, fontina",
    price: 1150,
    quantity: 15,
    category: "Pizzas",
    tags: ["vegetarian"],
    allergens: ["gluten", "milk"],
    position: 40,
    station: "oven",
  },
  {
    id: "5",
    name: "Capricciosa",
    description: "Tomato, ham, mushrooms, artichokes, olives",
    price: 1200,
    quantity: 25,
    category: "Pizzas",
    tags: [],
    allergens: ["gluten", "milk"],
    position: 50,
    station: "oven",
  },
  {
    id: "6",
    name: "Funghi",
    description: "Tomato, fior di latte, mushrooms",
    price: 950,
    quantity: 25,
    category: "Pizzas",
    tags: ["vegetarian"],
    allergens: ["gluten", "milk"],
    position: 60,
    station: "oven",
  },
  {
    id: "11",
    name: "Insalata Caprese",
    description: "Tomatoes, buffalo mozzarella, basil, olive oil",
    price: 950,
    quantity: 20,
    category: "Salads",
    tags: ["vegetarian", "gluten_free"],
    allergens: ["milk"],
    position: 70,
    station: "cold",
  },
  {
    id: "7",
    name: "Caesar Salad",
    description: "Romaine, croutons, parmesan, Caesar dressing",
    price: 800,
    quantity: 30,
    category: "Salads",
    tags: [],
    allergens: ["gluten", "eggs", "fish", "milk"],
    position: 80,
    station: "cold",
  },
  {
    id: "12",
    name: "Rucola e Parmigiano",
    description: "Rocket, shaved parmesan, lemon, olive oil",
    price: 900,
    quantity: 20,
    category: "Salads",
    tags: ["vegetarian", "gluten_free"],
    allergens: ["milk"],
    position: 90,
    station: "cold",
  },
  {
    id: "8",
    name: "Tiramisu",
    description: "Mascarpone, espresso-soaked savoiardi, cocoa",
    price: 600,
    quantity: 10,
    category: "Desserts",
    tags: ["vegetarian"],
    allergens: ["gluten", "eggs", "milk"],
    position: 100,
    station: "cold",
  },
  {
    id: "13",
    name: "Panna Cotta",
    description: "Vanilla cream, berry coulis",
    price: 600,
    quantity: 20,
    category: "Desserts",
    tags: ["vegetarian", "gluten_free"],
    allergens: ["milk"],
    position: 110,
    station: "cold",
  },
  {
    id: "9",
    name: "Lemonade",
    description: "Fresh lemons, cane sugar, mint",
    price: 350,
    quantity: 40,
    category: "Drinks",
    tags: ["vegan", "gluten_free"],
    allergens: [],
    position: 120,
    station: "bar",
  },
  {
    id: "10",
    name: "Espresso",
    description: "Single shot, house blend",
    price: 250,
    quantity: 50,
    category: "Drinks",
    tags: ["vegan", "gluten_free"],
    allergens: [],
    position: 130,
    station: "bar",
  },
  {
    id: "14",
    name: "Sparkling Water",
    description: "Sparkling mineral water, 50 cl",
    price: 300,
    quantity: 40,
    category: "Drinks",
    tags: ["vegan", "gluten_free"],
    allergens: [],
    position: 140,
    station: "bar",
  },
];
