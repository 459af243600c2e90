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

/**
 * The person a case is about, for follow-up on aggregate level (the audits ask for it "utifrån
 * kön"): gender as the record system has it, and an age band. Never a name, a date of birth or an
 * identity number.
 */
export const Kon = z.enum(['kvinna', 'man', 'annat', 'okant'], { error: 'Ange kön: kvinna, man, annat eller okant' });
export type Kon = z.infer<typeof Kon>;
export const childAgeBands = ['0-5', '6-12', '13-17'] as const;
export const Aldersgrupp = z.enum([...childAgeBands, '18-25', '26-64', '65+', 'okant'], { error: 'Ange åldersgrupp: 0-5, 6-12, 13-17, 18-25, 26-64, 65+ eller okant' });
export type Aldersgrupp = z.infer<typeof Aldersgrupp>;
