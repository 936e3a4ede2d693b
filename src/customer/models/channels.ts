import { z } from 'zod';

/**
 * Channels a dealer can reach a customer through, and the channels a consent
 * names: `phone` (a call), `sms`, `wechat`, `email`, `direct_mail` (post) and
 * `app` (push messages in the OEM or dealer app).
 */
export const ContactChannelSchema = z.enum(['phone', 'sms', 'wechat', 'email', 'direct_mail', 'app']);

/** A channel to reach a customer; see {@link ContactChannelSchema}. */
export type ContactChannel = z.infer<typeof ContactChannelSchema>;

/**
 * Channels an interaction can happen on: the contact channels plus the
 * showroom, the service lane and the web.
 */
export const InteractionChannelSchema = z.enum([
  'showroom',
  'service_lane',
  'phone',
  'sms',
  'wechat',
  'email',
  'direct_mail',
  'app',
  'web',
]);

/** A channel an interaction happened on; see {@link InteractionChannelSchema}. */
export type InteractionChannel = z.infer<typeof InteractionChannelSchema>;
