/**
 * A LIST parameter's allowed values as the pane shows them. VDS 2026.1 sends members as
 * AliasedDataValue objects `{ value, alias }` (OpenAPI schema 20261.0, ListParameter.members);
 * older schema versions send the bare values.
 */
interface MemberChoice {
  value: string;
  label: string;
}

export function parameterMembers(members: readonly unknown[] | undefined): MemberChoice[] {
  const seen = new Set<string>();
  const choices: MemberChoice[] = [];
  for (const member of members ?? []) {
    const aliased = member !== null && typeof member === 'object' && 'value' in member;
    const raw = aliased ? (member as { value: unknown }).value : member;
    const alias = aliased ? (member as { alias?: unknown }).alias : undefined;
    const value = String(raw ?? '');
    if (seen.has(value)) continue;
    seen.add(value);
    choices.push({ value, label: typeof alias === 'string' && alias ? alias : value });
  }
  return choices;
}
