// What a browser is shown when something is refused or goes wrong: a page in Swedish, never
// the API's JSON. An expired session leads back to the sign-in page.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, fromDatabase, fromTemporal, fromTemporalUnavailable } from '../api/errors';
import { Layout } from './layout';
import { sendPage } from './render';

function ErrorPage({ title, message }: { title: string; message: string }) {
  return (
    <Layout title={title}>
      <h1>{title}</h1>
      <p>{message}</p>
      <p>
        <a href="/">Till startsidan</a>
      </p>
    </Layout>
  );
}

export function sendErrorPage(reply: FastifyReply, status: number, title: string, message: string) {
  return sendPage(reply, <ErrorPage title={title} message={message} />, status);
}

/** A browser asks for pages; a program for JSON. */
export const wantsPage = (request: FastifyRequest) => (request.headers.accept ?? '').includes('text/html');

export function sendNotFoundPage(reply: FastifyReply) {
  return sendErrorPage(reply, 404, 'Sidan finns inte', 'Kontrollera adressen, eller gå tillbaka till startsidan.');
}

export function webErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (error.code === 'FST_CSRF_INVALID_TOKEN' || error.code === 'FST_CSRF_MISSING_SECRET') {
    return sendErrorPage(reply, 403, 'Formuläret har gått ut', 'Sidan var för gammal för att skickas. Gå tillbaka, ladda om sidan och försök igen; ingenting har ändrats.');
  }
  const apiError = error instanceof ApiError ? error : (fromTemporal(error) ?? fromTemporalUnavailable(error) ?? fromDatabase(error));
  if (apiError?.statusCode === 401) return reply.redirect(`/logga-in?till=${encodeURIComponent(request.url)}`, 303);
  if (apiError?.statusCode === 404) return sendErrorPage(reply, 404, 'Ärendet finns inte', apiError.message);
  if (apiError?.statusCode === 403) return sendErrorPage(reply, 403, 'Du saknar behörighet', apiError.message);
  if (apiError?.statusCode === 503) return sendErrorPage(reply, 503, 'Tjänsten svarar inte just nu', `${apiError.message}.`);
  if (apiError) return sendErrorPage(reply, apiError.statusCode, 'Det gick inte', apiError.message);
  if (error.statusCode === 413) return sendErrorPage(reply, 413, 'För mycket text', 'Formuläret innehöll mer än vad som kan tas emot. Korta texten och försök igen.');
  if (error.statusCode === 429) return sendErrorPage(reply, 429, 'För många försök', 'Vänta en stund och försök igen.');
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    return sendErrorPage(reply, error.statusCode, 'Förfrågan kunde inte tolkas', 'Gå tillbaka och försök igen.');
  }
  request.log.error({ err: error }, 'unhandled error on a page');
  return sendErrorPage(reply, 500, 'Ett fel inträffade', 'Något gick fel hos oss. Ingenting har sparats; försök igen om en stund.');
}
