// The family's other cases in a few lines and their steps side by side, for the case page and the
// family page (family.tsx).
import type { FamilyMember, FamilyView } from '../../domain/family';
import { kindLabels, phaseLabels } from '../labels';
import { casePath } from '../links';
import { formatDateTime, fromNow } from '../time';
import { When } from './case-timeline';

export const familyPath = (caseRef: string) => `${casePath(caseRef)}/familj`;

/** A case of the family in one line: kind, reference (a link where the viewer may open it) and phase. */
export function CaseName({ member }: { member: Pick<FamilyMember, 'caseRef' | 'kind' | 'phase' | 'readable'> }) {
  return (
    <>
      {kindLabels[member.kind]} · {member.readable ? <a href={casePath(member.caseRef)}>{member.caseRef}</a> : member.caseRef} · {phaseLabels[member.phase]}
    </>
  );
}

/** The family's other cases on the case page: each with its next deadline, and the way to the whole picture. */
export function FamilySummary({ caseRef, family, now }: { caseRef: string; family: FamilyView; now: number }) {
  return (
    <>
      {family.members.length === 0 ? (
        <p>Ärendet är inte länkat till några andra ärenden i familjen.</p>
      ) : (
        <ul>
          {family.members.map((member) => (
            <li>
              <CaseName member={member} />
              {member.nextDeadline && (
                <>
                  {' '}
                  <span class="hjalp">nästa frist {Date.parse(member.nextDeadline) <= now ? `passerad ${formatDateTime(member.nextDeadline)}` : fromNow(member.nextDeadline, now)}</span>
                </>
              )}
            </li>
          ))}
        </ul>
      )}
      <p>
        <a href={familyPath(caseRef)}>{family.members.length === 0 ? 'Länka till familjen' : 'Familjen sida vid sida'}</a>
      </p>
    </>
  );
}

/** Every case's steps in one table, a column per case, in time order. */
export function SideBySide({ columns, unitName }: { columns: FamilyMember[]; unitName: (id: string) => string }) {
  const rows = columns.flatMap((member, column) => member.steps.map((step) => ({ ...step, column }))).sort((a, b) => a.at.localeCompare(b.at));
  return (
    <div class="tabell-rulla">
      <table>
        <caption>Familjens steg sida vid sida, äldst först</caption>
        <thead>
          <tr>
            <th scope="col">När</th>
            {columns.map((member) => (
              <th scope="col">
                {kindLabels[member.kind]} {member.caseRef}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr>
              <td>
                <When at={row.at} />
              </td>
              {columns.map((_, column) => (
                <td>
                  {column === row.column && (
                    <>
                      {row.label} <span class="hjalp">· {unitName(row.unit)}</span>
                    </>
                  )}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
