/**
 * The demo menu's drawings in `web/static/menu/`: made for this project as small, self-contained
 * SVG files of the menu's 4:3 picture size, one for every item stock seeds.
 */
import assert from "node:assert/strict";
import { MENU, menuImage } from "../../../services/stock/domain/menu.ts";
import { imageSrc } from "./menu.ts";

const DIR = new URL("../../static/menu/", import.meta.url);
const files = [...Deno.readDirSync(DIR)].filter((e) => e.isFile && e.name.endsWith(".svg")).map((e) =>
  e.name
);

Deno.test("every demo menu item's image (as stock seeds it) is one of these drawings", () => {
  for (const m of MENU) {
    const image = menuImage(m.name);
    const file = /^\/menu\/([a-z0-9-]+\.svg)$/.exec(image)?.[1];
    assert.ok(file && files.includes(file), `web/static/menu/ has ${image} for ${m.name}`);
    assert.match(imageSrc(image), new RegExp(`^/_static/menu/${file.replace(".svg", "")}\\.`));
  }
});

Deno.test("each drawing is a small, self-contained 320x240 SVG with a title", async () => {
  assert.ok(files.length >= MENU.length);
  for (const name of files) {
    const bytes = await Deno.readFile(new URL(name, DIR));
    const svg = new TextDecoder().decode(bytes);
    assert.ok(bytes.length < 4096, `${name} is ${bytes.length} bytes`);
    assert.match(
      svg,
      /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" viewBox="0 0 320 240" width="320" height="240">/,
    );
    assert.match(svg, /<title>[^<]{10,}<\/title>/, `${name} has a title`);
    assert.doesNotMatch(
      svg,
      /<script|<image|<foreignObject|href="(?!#)|url\((?!#)/i,
      `${name} loads nothing else`,
    );
  }
});
