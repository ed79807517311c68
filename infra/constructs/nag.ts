/**
 * Renders a resolved CloudFormation value the way cdk-nag names it in finding ids
 * (`<Logical.Attr>` for GetAtt, `<Name>` for Ref, joins flattened), so an acknowledgement can
 * name exactly the finding it answers. Mirrors cdk-nag 3's flattenCfnReference.
 */
export function flattenForNag(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value.replace(/\$\{/g, '<').replace(/\}/g, '>');
  if (value && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (Array.isArray(v['Fn::Join'])) {
      const [delimiter, items] = v['Fn::Join'] as [string, unknown[]];
      return items.map(flattenForNag).join(delimiter);
    }
    if (v['Fn::Sub'] !== undefined) return flattenForNag(v['Fn::Sub']);
    if (Array.isArray(v['Fn::GetAtt'])) {
      const [resource, attribute] = v['Fn::GetAtt'] as [unknown, unknown];
      return `<${flattenForNag(resource)}.${flattenForNag(attribute)}>`;
    }
    if (v['Fn::ImportValue'] !== undefined) return flattenForNag(v['Fn::ImportValue']);
    if (v.Ref !== undefined) return `<${flattenForNag(v.Ref)}>`;
  }
  return JSON.stringify(value);
}
