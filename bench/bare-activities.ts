// The bare baselines' activities: nothing, and one plain mail (B5), as the service's
// sendNotification does without its ledger, rules and templates.
import nodemailer from 'nodemailer';

export function createBareActivities(smtpUrl: string) {
  const transport = nodemailer.createTransport(smtpUrl);
  return {
    async noop(): Promise<void> {},
    async sendMail(key: string): Promise<void> {
      await transport.sendMail({ from: 'bench@samverkan.local', to: 'bare@samverkan.local', subject: `Bench ${key}`, text: 'bare', headers: { 'X-Bench-Key': key } });
    },
  };
}
export type BareActivities = ReturnType<typeof createBareActivities>;
