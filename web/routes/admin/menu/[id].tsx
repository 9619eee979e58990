/**
 * `/admin/menu/:id`: edit one item: name, description, price, category and station (`POST` here,
 * checked in `admin/menu_form.ts`, then saved through `Stock.UpdateItem`, which records who), and its
 * photo (a separate multipart form to `menu/[id]/photo.tsx`). Errors show next to their fields with
 * the values kept (422, nothing saved); saving goes back here (303) with a flash. A price change
 * applies to new orders only: orders already placed keep the prices they were placed at.
 *
 * @module
 */
import { toApiError } from "../../../api/errors.ts";
import { seeOther } from "../../../admin/http.ts";
import { type ItemPageData, renderItemPage } from "../../../admin/item_page.ts";
import { checkItemForm, itemFieldOf, LIMITS, readItemForm } from "../../../admin/menu_form.ts";
import type { AdminState } from "../../../admin/state.ts";
import { Csrf } from "../../../components/admin/Csrf.tsx";
import { imageSrc } from "../../../components/menu/menu.ts";
import { asset } from "../../../framework/static.ts";
import type { Handlers, PageProps } from "../../../framework/types.ts";
import { gatewayFor } from "../../../gateway/mod.ts";
import { ACCEPTED_PHOTO_TYPES } from "../../../admin/photo_upload.ts";

/** The form; saving it. */
export const handler: Handlers<ItemPageData, AdminState> = {
  async GET(ctx) {
    const item = await gatewayFor(ctx.hono, ctx.deps).stock.get(ctx.params.id ?? "");
    return await renderItemPage(ctx, item);
  },
  async POST(ctx) {
    const gw = gatewayFor(ctx.hono, ctx.deps);
    const item = await gw.stock.get(ctx.params.id ?? "");
    const values = readItemForm(ctx.state.form!);
    const check = checkItemForm(values, item);
    if (!check.ok) return await renderItemPage(ctx, item, { values, errors: check.errors }, 422);
    try {
      const saved = await gw.stock.update(item.id, check.changes);
      ctx.deps.log.info("admin item saved", { itemId: item.id });
      ctx.deps.admin!.sessions.flash(ctx.state.session!, { kind: "success", text: `Saved ${saved.name}.` });
      return seeOther(`/admin/menu/${encodeURIComponent(item.id)}`);
    } catch (err) {
      const e = toApiError(err, "stock");
      const field = itemFieldOf(e.field);
      if (!field || e.status >= 500) throw e;
      return await renderItemPage(ctx, item, { values, errors: { [field]: e.message } }, e.status);
    }
  },
};

function Field(
  props: {
    id: string;
    label: string;
    error?: string;
    hint?: string;
    children: (a: Record<string, string | undefined>) => unknown;
  },
) {
  const described = [props.hint ? `${props.id}-hint` : "", props.error ? `${props.id}-err` : ""].filter(
    Boolean,
  )
    .join(" ");
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      {props.hint && <p class="field-hint muted" id={`${props.id}-hint`}>{props.hint}</p>}
      {props.children({
        id: props.id,
        "aria-invalid": props.error ? "true" : undefined,
        "aria-describedby": described || undefined,
      }) as never}
      {props.error && (
        <span class="field-error" id={`${props.id}-err`} data-testid={`error-${props.id}`}>
          {props.error}
        </span>
      )}
    </div>
  );
}

/** The edit page. */
export default function EditItem({ data, state }: PageProps<ItemPageData, AdminState>) {
  const { item, values, errors } = data;
  const count = Object.keys(errors).length;
  const action = `/admin/menu/${encodeURIComponent(item.id)}`;
  return (
    <div class="item-edit">
      <link rel="stylesheet" href={asset("/_static/admin_menu.css")} />
      <p class="crumbs">
        <a href="/admin/menu">← Menu</a>
      </p>
      <h1>Edit {item.name}</h1>
      <p class="muted" data-testid="item-meta">
        #{item.id} · {item.offMenu ? "off the menu (86)" : "on the menu"} · {item.available} available
        {item.updatedBy ? ` · last changed by ${item.updatedBy}` : ""}
      </p>
      {count > 0 && (
        <p class="alert error" role="alert" data-testid="form-errors">
          {count === 1
            ? "Please check the field marked below."
            : `Please check the ${count} fields marked below.`}
        </p>
      )}
      <form method="post" action={action} data-busy="Saving…" noValidate>
        <Csrf token={state.csrf} />
        <Field id="item-name" label="Name" error={errors.name}>
          {(a) => (
            <input {...a} name="name" type="text" maxLength={LIMITS.name} value={values.name} required />
          )}
        </Field>
        <Field
          id="item-description"
          label="Description"
          error={errors.description}
          hint="Up to 500 characters."
        >
          {(a) => (
            <textarea {...a} name="description" rows={3} maxLength={LIMITS.description}>
              {values.description}
            </textarea>
          )}
        </Field>
        <Field
          id="item-price"
          label={`Price (${item.price?.currency ?? "EUR"})`}
          error={errors.price}
          hint="For example 8.50. Orders already placed keep the price they were placed at."
        >
          {(a) => <input {...a} name="price" type="text" inputMode="decimal" value={values.price} required />}
        </Field>
        <Field
          id="item-category"
          label="Category"
          error={errors.category}
          hint="The menu section, e.g. Pizzas."
        >
          {(a) => (
            <input {...a} name="category" type="text" maxLength={LIMITS.category} value={values.category} />
          )}
        </Field>
        <Field
          id="item-station"
          label="Station"
          error={errors.station}
          hint="The kitchen station that prepares it, e.g. oven, cold, bar. Leave empty for none."
        >
          {(a) => (
            <input {...a} name="station" type="text" maxLength={LIMITS.station} value={values.station} />
          )}
        </Field>
        <button type="submit" class="button primary">Save</button>
      </form>

      <h2>Photo</h2>
      <img
        class="item-photo"
        src={imageSrc(item.image)}
        width={320}
        height={240}
        alt={`Current photo of ${item.name}`}
        data-testid="item-photo"
      />
      <form
        method="post"
        action={`${action}/photo`}
        encType="multipart/form-data"
        data-busy="Uploading…"
      >
        <Csrf token={state.csrf} />
        <Field
          id="item-photo-file"
          label="New photo"
          error={errors.photo}
          hint="A JPEG, PNG or WebP image, at most 5 MB."
        >
          {(a) => <input {...a} name="photo" type="file" accept={ACCEPTED_PHOTO_TYPES} required />}
        </Field>
        <button type="submit" class="button">Upload photo</button>
      </form>
    </div>
  );
}
