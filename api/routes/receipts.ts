// The page an external partner reaches from its e-mail: it confirms that a handover arrived.
// No login; the link is single-use and expires. Opening it changes nothing (mail scanners
// follow links); the button does. The page shows nothing of the case. Its form is a plain
// HTML form, so it works without JavaScript: the browser posts it urlencoded, which only this
// plugin accepts (the rest of the API answers 415 to anything but JSON).
import formbody from '@fastify/formbody';
import type { Client } from '@temporalio/client';
import type { FastifyReply } from 'fastify';
import { h } from 'preact';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { handoverResponseUpdate, performActionUpdate } from '../../domain/messages';
import { z } from '../../domain/zod';
import type { ReceiptLinks } from '../../infra/receipt-link-store';
import { fromTemporal } from '../errors';
import { ReceiptParams } from '../schemas/receipts';
import { sendPage } from '../../web/render';
import { ReceiptConfirmPage, ReceiptMessagePage, ReportPage } from '../../web/pages/receipt';

const message = (reply: FastifyReply, status: number, title: string, text: string) => sendPage(reply, h(ReceiptMessagePage, { title, message: text }), status);

const refusals = {
  okand: 'Länken är okänd. Kontakta handläggaren som skickade överlämningen.',
  anvand: 'Länken har redan använts: mottagandet är redan bekräftat.',
  utgangen: 'Länken har slutat gälla. Kontakta handläggaren som skickade överlämningen.',
} as const;

const reportRefusals = {
  okand: 'Länken är okänd. Kontakta handläggaren som bad om rapporten.',
  anvand: 'Länken har redan använts: rapporten är redan lämnad.',
  utgangen: 'Länken har slutat gälla. Kontakta handläggaren som bad om rapporten.',
} as const;

const ReportBody = z.object({ status: z.enum(['startad', 'pagaende', 'avbruten', 'avslutad']) });

export function receiptRoutes(deps: { client: Client; receipts: ReceiptLinks }): FastifyPluginAsyncZod {
  return async (app) => {
    // Here only: the form's urlencoded post (it has no fields; the token is in the address).
    await app.register(formbody);

    app.get('/kvittens/:token', { schema: { hide: true, params: ReceiptParams } }, async (request, reply) => {
      const { token } = request.params;
      // Looking changes nothing: a used, expired or unknown link says so at once.
      const state = await deps.receipts.check(token);
      if (!state.ok) return message(reply, 410, 'Länken kan inte användas', refusals[state.reason]);
      return sendPage(reply, h(ReceiptConfirmPage, { token }));
    });

    app.post('/kvittens/:token', { schema: { hide: true, params: ReceiptParams } }, async (request, reply) => {
      const { token } = request.params;
      const claim = await deps.receipts.claim(token);
      if (!claim.ok) return message(reply, 410, 'Länken kan inte användas', refusals[claim.reason]);
      try {
        await deps.client.workflow.getHandle(claim.handoverWorkflowId).executeUpdate(handoverResponseUpdate, {
          args: [{ actor: { sub: 'kvittenslank', role: 'extern', unit: claim.unit }, response: { typ: 'kvittera' } }],
        });
      } catch (error) {
        if (fromTemporal(error)?.code === 'FEL_FAS') {
          return message(reply, 409, 'Överlämningen väntar inte längre', 'Den är redan besvarad eller återkallad.');
        }
        // Not recorded: the link may be used again.
        await deps.receipts.release(token);
        throw error;
      }
      return message(reply, 200, 'Tack', 'Mottagandet är bekräftat. Handläggaren ser det direkt.');
    });

    // An external provider's report on an insats it performs (a link from its e-mail).
    app.get('/rapport/:token', { schema: { hide: true, params: ReceiptParams } }, async (request, reply) => {
      const { token } = request.params;
      const state = await deps.receipts.check(token);
      if (!state.ok || !state.insatsId) return message(reply, 410, 'Länken kan inte användas', reportRefusals[state.ok ? 'okand' : state.reason]);
      return sendPage(reply, h(ReportPage, { token }));
    });

    app.post('/rapport/:token', { schema: { hide: true, params: ReceiptParams } }, async (request, reply) => {
      const { token } = request.params;
      // The choice is checked before the link is taken: a post without one leaves the link as it was.
      const body = ReportBody.safeParse(request.body);
      if (!body.success) return sendPage(reply, h(ReportPage, { token, error: 'Välj hur insatsen går' }), 400);
      const claim = await deps.receipts.claim(token);
      if (!claim.ok || !claim.insatsId) {
        if (claim.ok) await deps.receipts.release(token);
        return message(reply, 410, 'Länken kan inte användas', reportRefusals[claim.ok ? 'okand' : claim.reason]);
      }
      try {
        await deps.client.workflow.getHandle(claim.handoverWorkflowId).executeUpdate(performActionUpdate, {
          args: [{ actor: { sub: 'rapportlank', role: 'handlaggare', unit: claim.unit }, action: { type: 'rapport_utforare', insatsId: claim.insatsId, status: body.data.status } }],
        });
      } catch (error) {
        // Not recorded: the link may be used again.
        await deps.receipts.release(token);
        const refused = fromTemporal(error);
        if (refused && refused.statusCode < 500) return sendPage(reply, h(ReportPage, { token, error: refused.message }), refused.statusCode);
        throw error;
      }
      return message(reply, 200, 'Tack', 'Rapporten är lämnad. Handläggaren ser den direkt.');
    });
  };
}

