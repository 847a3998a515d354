import { pricedSection, pricedShows } from '../../reporters/sections.js'
import type { Presenter } from '../types.js'

const modeName = (m: string | number | null | undefined) => (m === 'PAY_PER_REQUEST' ? 'on-demand' : m === 'PROVISIONED' ? 'provisioned' : String(m ?? '?'))

export const dynamoDbPresent: Presenter = {
  shows: pricedShows,
  sections: (recs, { top }) =>
    pricedSection(recs, {
      title: 'DynamoDB tables',
      column: 'TABLE',
      savePrefix: '',
      top,
      now: (r) => modeName(r.current.billingMode),
      option: (o) =>
        o.change.billingMode === 'PAY_PER_REQUEST'
          ? 'on-demand'
          : o.change.autoScaling
            ? `auto scaling ${String(o.change.targetPct)}%: RCU ${String(o.change.readCapacityRange)}, WCU ${String(o.change.writeCapacityRange)}`
            : `fixed ${String(o.change.readCapacity)} RCU, ${String(o.change.writeCapacity)} WCU`,
    }),
}
