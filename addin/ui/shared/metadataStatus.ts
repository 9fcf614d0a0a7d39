/**
 * Whether Tableau's Metadata API answers, per connection, for this session of the pane. When a
 * request hears "metadata-disabled" (Tableau Server ships the Metadata API off:
 * docs/metadata-api.md), the connection is marked, later requests for it are not sent, and the pane
 * says so in ONE notice (MetadataNotice) — not under every field or screen. Meanings and lineage are
 * extras: every screen works without them.
 */
export class MetadataStatus {
  private readonly disabled = new Map<string, string>();
  private readonly acknowledged = new Set<string>();
  private readonly listeners = new Set<() => void>();

  isDisabled(connectionId: string): boolean {
    return this.disabled.has(connectionId);
  }

  /** `label`: how the pane names the connection (its site). */
  markDisabled(connectionId: string, label: string): void {
    if (this.disabled.has(connectionId)) return;
    this.disabled.set(connectionId, label);
    this.emit();
  }

  /** The connection whose notice is still to be read, or null. */
  pendingNotice(): { connectionId: string; label: string } | null {
    for (const [connectionId, label] of this.disabled) if (!this.acknowledged.has(connectionId)) return { connectionId, label };
    return null;
  }

  acknowledge(connectionId: string): void {
    this.acknowledged.add(connectionId);
    this.emit();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(): void {
    for (const l of this.listeners) l();
  }
}
