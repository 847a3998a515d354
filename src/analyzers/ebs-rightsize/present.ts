import { describeChange } from '../../reporters/format.js'
import { pricedSection, pricedShows } from '../../reporters/sections.js'
import type { Presenter } from '../types.js'

export const ebsPresent: Presenter = {
  shows: pricedShows,
  sections: (recs, { top }) =>
    pricedSection(recs, {
      title: 'EBS volumes',
      column: 'VOLUME',
      savePrefix: '',
      top,
      now: (r) => `${String(r.current.volumeType)} ${String(r.current.sizeGiB)} GiB`,
      option: (o) => describeChange(o.change),
    }),
}
