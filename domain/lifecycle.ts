// The case lifecycle's vocabulary: its phases and the deadlines it knows. Plain data, safe in
// workflow code; the schemas in case.ts and rules.ts are built from these lists.

export const phases = ['skyddsbedomning', 'forhandsbedomning', 'riskbedomning', 'erbjudande', 'utredning', 'insatser', 'avslutad'] as const;
export type Phase = (typeof phases)[number];

export const phaseLabels: Record<Phase, string> = {
  skyddsbedomning: 'skyddsbedömning',
  forhandsbedomning: 'förhandsbedömning',
  riskbedomning: 'skydds- och riskbedömning',
  erbjudande: 'erbjudande om stöd',
  utredning: 'utredning',
  insatser: 'insatser och uppföljning',
  avslutad: 'avslutat',
};

/** The deadlines the lifecycle knows; the rules say how long each one is and who owns it. */
export const deadlineKeys = ['barn.skyddsbedomning', 'barn.forhandsbedomning', 'barn.utredning', 'vuxen.riskbedomning', 'vuxen.utredning', 'utovare.erbjudande'] as const;
export type DeadlineKey = (typeof deadlineKeys)[number];

export function isDeadlineKey(key: string): key is DeadlineKey {
  return (deadlineKeys as readonly string[]).includes(key);
}
