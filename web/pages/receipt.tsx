// The page an external partner reaches from its e-mail (api/routes/receipts.ts): one purpose,
// one button, nothing of the case, readable on a phone. No sign-in, so no menu.
import { Layout } from '../layout';

export function ReceiptConfirmPage({ token }: { token: string }) {
  return (
    <Layout title="Bekräfta mottagen överlämning">
      <h1 id="rubrik">Bekräfta mottagen överlämning</h1>
      <p>Socialtjänsten har lämnat över ett ärende till er. Bekräfta att ni har tagit emot det. Handläggaren kontaktar er på överenskommet, säkert sätt med uppgifterna.</p>
      <form method="post" action={`/kvittens/${token}`} aria-labelledby="rubrik">
        <p id="hjalp">Knappen bekräftar mottagandet en gång; sedan går länken inte att använda igen.</p>
        <button type="submit" class="knapp" aria-describedby="hjalp">
          Bekräfta mottagandet
        </button>
      </form>
    </Layout>
  );
}

export function ReceiptMessagePage({ title, message }: { title: string; message: string }) {
  return (
    <Layout title={title}>
      <h1>{title}</h1>
      <p>{message}</p>
    </Layout>
  );
}
