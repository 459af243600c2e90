// The facts of a case that the rules look at. Kept apart from the case so that the rules can
// name them without importing the case model.
import { z } from './zod';

export const CaseKind = z.enum(['barn', 'vuxen', 'utovare']);
export type CaseKind = z.infer<typeof CaseKind>;

/** Violence in the family: known, suspected, not known, or not yet found out. Never absent. */
export const ValdAnswer = z.enum(['ja', 'misstanke', 'nej', 'okant'], {
  error: (issue) =>
    issue.input === undefined
      ? 'Ange om våld är känt eller misstänkt i familjen (ja, misstanke, nej eller okant); fältet får inte utelämnas'
      : 'Ogiltigt svar: ange ja, misstanke, nej eller okant',
});
export type ValdAnswer = z.infer<typeof ValdAnswer>;

/** The instruments a skydds- och riskbedömning can be made with. */
export const RiskInstrument = z.enum(['FREDA', 'PATRIARK']);
export type RiskInstrument = z.infer<typeof RiskInstrument>;

/** Who interpreted at a contact or a meeting: none needed, a professional interpreter, or a relative. */
export const Tolk = z.enum(['ingen', 'professionell', 'anhorig'], { error: 'Ange tolk: ingen, professionell eller anhorig' });
export type Tolk = z.infer<typeof Tolk>;
