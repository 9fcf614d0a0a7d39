/** Workbook.customXmlParts (ExcelApi 1.5): add, getByNamespace (root element's namespace), getXml, setXml, delete. */
import { ClientObject, type Ctx, ItemCollection } from './context.js';

export class CustomXmlPart extends ClientObject {
  constructor(
    ctx: Ctx,
    private readonly idOf: () => string,
  ) {
    super(ctx);
  }
  private get partId(): string {
    return this.idOf();
  }
  get id(): string {
    return this.partId;
  }
  getXml(): { value: string } {
    const result = { value: '' };
    this.ctx.enqueue({ op: 'load' }, () => (result.value = this.ctx.wb.parts.find((q) => q.id === this.partId)?.xml ?? ''));
    return result;
  }
  setXml(xml: string): void {
    this.ctx.enqueue({ op: 'customXmlPart.setXml' }, () => {
      const q = this.ctx.wb.parts.find((p) => p.id === this.partId);
      if (q) q.xml = xml;
    });
  }
  delete(): void {
    this.ctx.enqueue({ op: 'customXmlPart.delete' }, () => this.ctx.wb.deletePart(this.partId));
  }
}

export class CustomXmlPartScopedCollection extends ItemCollection<CustomXmlPart> {
  constructor(
    ctx: Ctx,
    private readonly ns: string,
  ) {
    super(ctx);
  }
  protected fetch(): CustomXmlPart[] {
    return this.ctx.wb.partsByNamespace(this.ns).map((p) => new CustomXmlPart(this.ctx, () => p.id));
  }
}

export class CustomXmlPartCollection extends ClientObject {
  add(xml: string): CustomXmlPart {
    let id = '';
    this.ctx.enqueue({ op: 'customXmlParts.add' }, () => (id = this.ctx.wb.addPart(xml)));
    return new CustomXmlPart(this.ctx, () => id);
  }
  getByNamespace(ns: string): CustomXmlPartScopedCollection {
    return new CustomXmlPartScopedCollection(this.ctx, ns);
  }
}
