/**
 * The schemas of a card's reminder preferences, shared by the subscriber's routes (with the
 * card's proof) and the account's routes (with a session).
 */
import { Type } from 'typebox';
import { EMAIL_MAX_LENGTH, EMAIL_PATTERN } from './contact-service.js';

const ContactChannel = Type.Enum(['sms', 'email'], { description: 'How reminders reach the subscriber' });
const ContactLocale = Type.Enum(['zh-CN', 'en'], { description: 'The language of reminders' });

export const ContactResponse = Type.Object({
  channel: ContactChannel,
  email: Type.Union([Type.String({ description: 'Masked', examples: ['l***@example.com'] }), Type.Null()]),
  locale: ContactLocale,
  optedOut: Type.Boolean({ description: 'true: no reminders are sent' }),
});

/** The fields of a change of preferences. */
export const contactFields = {
  channel: ContactChannel,
  email: Type.Optional(
    Type.String({ maxLength: EMAIL_MAX_LENGTH, pattern: EMAIL_PATTERN, description: 'Required when channel is email', examples: ['li@example.com'] }),
  ),
  locale: Type.Optional(ContactLocale),
  optedOut: Type.Optional(Type.Boolean({ description: 'true: no more reminders; omitted: unchanged' })),
};
