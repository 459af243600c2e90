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

const reportChoices = [
  { value: 'startad', label: 'Insatsen har startat' },
  { value: 'pagaende', label: 'Insatsen pågår' },
  { value: 'avbruten', label: 'Insatsen har avbrutits' },
  { value: 'avslutad', label: 'Insatsen har avslutats' },
] as const;

/** An external provider's report on an insats it performs: four choices, no free text, nothing of the case. */
export function ReportPage({ token, error }: { token: string; error?: string | undefined }) {
  return (
    <Layout title="Rapportera om en insats">
      <h1 id="rubrik">Rapportera om en insats</h1>
      <p>Socialtjänsten ber er rapportera om en insats som ni utför. Välj det som stämmer; skriv inga uppgifter om personer. Handläggaren ser rapporten direkt.</p>
      <form method="post" action={`/rapport/${token}`} aria-labelledby="rubrik">
        <fieldset class={`falt${error ? ' falt--fel' : ''}`} aria-describedby={error ? 'status-fel' : undefined}>
          <legend>Hur går insatsen?</legend>
          {error && (
            <p class="falt-fel" id="status-fel">
              <span class="dold">Fel: </span>
              {error}
            </p>
          )}
          {reportChoices.map((choice) => (
            <div class="val">
              <input type="radio" id={`status-${choice.value}`} name="status" value={choice.value} />
              <label for={`status-${choice.value}`}>{choice.label}</label>
            </div>
          ))}
        </fieldset>
        <p id="hjalp">Knappen skickar rapporten en gång; sedan går länken inte att använda igen.</p>
        <button type="submit" class="knapp" aria-describedby="hjalp">
          Skicka rapporten
        </button>
      </form>
    </Layout>
  );
}
