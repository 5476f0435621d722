/**
 * Gmail's feedback loop header, `Feedback-ID: a:b:c:SenderId`: complaint rates are reported per
 * field, so each field names a kind of mail, never a person or an organization. Here: the category
 * (or a system email's template), the advisory it belongs to (none for other mail), the mail type,
 * and the sender. Every field is ASCII without colons.
 */
export function feedbackIdHeader(fields: { stream: string; campaign?: string | undefined; mailType: 'category' | 'system'; senderId: string }): string {
  return [fields.stream, fields.campaign ?? '', fields.mailType, fields.senderId].map(asField).join(':');
}

function asField(value: string): string {
  return value.replace(/[^A-Za-z0-9._-]/g, '');
}
