// The operators' alert list: notifications the mail server refused for good (SMTP 5xx).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { NotificationFailureList } from '../notification-failures';
import { errorResponses, secured } from '../schemas/common';
import { NotificationFailuresSchema } from '../schemas/notification-failures';

export function notificationFailureRoutes(failures: NotificationFailureList): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/utskick/misslyckade', {
      schema: {
        summary: 'E-post som mottagarens server vägrade för gott (SMTP 5xx): inte skickad och inte försökt igen',
        description:
          'Eskaleringskedjan går vidare utan dem; rätta adressen i organisationen eller kontakta mottagaren. En enhetschef ser de till den egna enhetens brevlåda och den egna chefsadressen; sektorchefen och samordnaren ser alla. De senaste 100, nyast först.',
        tags: ['uppföljning'],
        ...secured,
        response: { 200: NotificationFailuresSchema, ...errorResponses },
      },
      config: { access: { roles: ['enhetschef', 'sektorchef', 'samordnare'], refusal: 'notificationFailures' } },
      handler: async (request) => ({ failures: await failures.list(request.caller) }),
    });
  };
}
