import type { SimSite } from './model.js';
import { SiteContent } from './site.js';

/** All sites of the simulated server. Tests reach it through `Simulator.state`. */
export class SimState {
  private readonly byId = new Map<string, SiteContent>();

  addSite(site: SimSite): SiteContent {
    if (this.siteByContentUrl(site.contentUrl)) throw new Error(`site '${site.contentUrl}' exists already`);
    const content = new SiteContent(site);
    this.byId.set(site.id, content);
    return content;
  }

  sites(): SiteContent[] {
    return [...this.byId.values()];
  }

  site(id: string): SiteContent | undefined {
    return this.byId.get(id);
  }

  /** Content URLs are matched case-insensitively, as Tableau does at sign-in. */
  siteByContentUrl(contentUrl: string): SiteContent | undefined {
    const wanted = contentUrl.toLowerCase();
    for (const s of this.byId.values()) if (s.site.contentUrl.toLowerCase() === wanted) return s;
    return undefined;
  }

  /** Site by content URL, throwing when missing (test convenience). */
  siteNamed(contentUrl: string): SiteContent {
    const s = this.siteByContentUrl(contentUrl);
    if (!s) throw new Error(`no site '${contentUrl}'`);
    return s;
  }
}
