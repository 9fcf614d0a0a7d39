/**
 * Excel.ConditionalFormatCollection and Excel.ConditionalFormat (ExcelApi 1.6) over the in-memory
 * workbook, type "Custom" only (what the add-in uses):
 *  - Range.conditionalFormats lists the formats that intersect the range
 *    (https://learn.microsoft.com/javascript/api/excel/excel.range#excel-excel-range-conditionalformats-member);
 *  - add("Custom") creates one over the range
 *    (https://learn.microsoft.com/javascript/api/excel/excel.conditionalformatcollection#excel-excel-conditionalformatcollection-add-member(1));
 *  - custom.rule.formula and custom.format.fill.color are set and read
 *    (https://learn.microsoft.com/javascript/api/excel/excel.customconditionalformat);
 *  - delete() removes it.
 * Another type is refused with InvalidArgument here (Excel would accept it; the model does not
 * know it), so an untested use cannot pass silently.
 */
import { intersects } from '../../address.js';
import { ExcelLikeError } from '../errors.js';
import type { MemConditionalFormat } from '../sheet.js';
import { ClientObject, type Ctx, ItemCollection } from './context.js';
import type { Where } from './types.js';

let nextId = 1;

export class ConditionalFormatCollection extends ItemCollection<ConditionalFormat> {
  constructor(
    ctx: Ctx,
    private readonly where: () => Where,
  ) {
    super(ctx);
  }

  protected fetch(): ConditionalFormat[] {
    const w = this.where();
    const sheet = this.ctx.wb.sheet(w.sheet);
    return sheet.conditionalFormats.filter((f) => intersects(f.rect, w.rect)).map((f) => new ConditionalFormat(this.ctx, w.sheet, () => f));
  }

  add(type: string): ConditionalFormat {
    if (type !== 'Custom')
      throw new ExcelLikeError('InvalidArgument', `The in-memory Excel models only "Custom" conditional formats, not "${type}".`);
    let created: MemConditionalFormat | undefined;
    const proxy = new ConditionalFormat(this.ctx, '', () => {
      if (!created) throw new ExcelLikeError('InvalidObjectPath', 'The conditional format was not created.');
      return created;
    });
    this.ctx.enqueue({ op: 'conditionalFormats.add', format: type }, () => {
      const w = this.where();
      created = { id: `{cf-${nextId++}}`, rect: { ...w.rect }, formula: '', fill: null };
      this.ctx.wb.sheet(w.sheet).conditionalFormats.push(created);
      proxy.sheet = w.sheet;
    });
    return proxy;
  }
}

export class ConditionalFormat extends ClientObject {
  readonly custom: { rule: { formula: string; load(spec?: unknown): unknown }; format: { fill: { color: string } } };

  constructor(
    ctx: Ctx,
    public sheet: string,
    private readonly target: () => MemConditionalFormat,
  ) {
    super(ctx);
    const current = () => this.target();
    const enqueue = (op: string, format: string, apply: () => void) => this.ctx.enqueue({ op, format }, apply);
    this.custom = {
      rule: {
        get formula() {
          return current().formula;
        },
        set formula(f: string) {
          enqueue('conditionalFormat.formula', f, () => void (current().formula = f));
        },
        load() {
          return this;
        },
      },
      format: {
        fill: {
          get color() {
            return current().fill ?? '';
          },
          set color(c: string) {
            enqueue('conditionalFormat.fill', c, () => void (current().fill = c));
          },
        },
      },
    };
  }

  get type(): string {
    return 'Custom';
  }

  load(): this {
    return this;
  }

  delete(): void {
    this.ctx.enqueue({ op: 'conditionalFormat.delete' }, () => {
      const list = this.ctx.wb.sheet(this.sheet).conditionalFormats;
      const at = list.indexOf(this.target());
      if (at !== -1) list.splice(at, 1);
    });
  }
}
