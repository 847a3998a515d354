import { pricedSection, pricedShows } from '../../reporters/sections.js'
import type { Presenter } from '../types.js'

export const lambdaPresent: Presenter = {
  shows: pricedShows,
  sections: (recs, { top }) =>
    pricedSection(recs, {
      title: 'Lambda functions',
      column: 'FUNCTION',
      savePrefix: 'up to ',
      top,
      now: (r) => `${String(r.current.memorySizeMB)} MB ${String(r.current.architecture)}`,
      option: (o) => `${String(o.change.memorySizeMB)} MB ${String(o.change.architecture)}`,
    }),
}
