// A complete handover of the Tyresö family's kind: violence known, risk assessed, two children.
import type { HandoverContent } from '../../domain/handover';

export function handoverContent(overrides: Partial<HandoverContent> = {}): HandoverContent {
  return {
    vald: 'ja',
    riskbedomning: { status: 'gjord', instrument: 'FREDA', datum: '2030-03-01' },
    barn: { iHushallet: true, antal: 2 },
    skyddadeUppgifter: 'nej',
    hedersrelaterat: false,
    tolk: { behovs: true, sprak: 'arabiska' },
    uppdrag: { beskrivning: 'Krissamtal för barnen som bevittnat våld (Trappan)', insats: 'trappan', senast: '2030-12-31' },
    kontakt: { roll: 'handlaggare' },
    ...overrides,
  };
}
