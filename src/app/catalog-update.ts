import { loadCatalog, writeWorkspaceCatalog } from '../catalog/load.js'
import { ToolError } from '../core/errors.js'
import { authError, type AwsApis } from '../sources/aws/clients.js'
import { fetchCatalog } from '../sources/aws/catalog-update.js'
import { authProblem } from '../sources/aws/collect.js'
import { describeAwsError, FOREIGN_ANSWER_HINT, isForeignAnswer } from '../sources/aws/errors.js'

/**
 * `headroom catalog update` as a library call: instance specs, regional offerings and on-demand prices from the live
 * APIs (DescribeInstanceTypes, DescribeInstanceTypeOfferings, the Pricing API) into the workspace's catalog overlay,
 * which then overrides the bundled catalog for that workspace. On any failure nothing is written.
 */
export async function updateCatalog(i: {
  workspace: string
  regions: readonly string[]
  apis: AwsApis
  now: number
  onProgress?: (line: string) => void
}): Promise<{ path: string; types: number; priced: number }> {
  let file
  try {
    file = await fetchCatalog((region) => i.apis.ec2(region), i.apis.pricing(), i.regions, loadCatalog(), i.now, i.onProgress)
  } catch (err) {
    if (authProblem(err)) {
      const msg = String((err as Error).message)
      throw authError(
        err,
        /pricing|GetProducts/i.test(msg)
          ? 'GetProductsCommand'
          : /Offering/i.test(msg)
            ? 'DescribeInstanceTypeOfferingsCommand'
            : 'DescribeInstanceTypesCommand',
      )
    }
    throw new ToolError('SOURCE_UNAVAILABLE', `catalog update failed: ${describeAwsError(err)}`, {
      hint: `Nothing was changed; the bundled catalog stays in use. ${isForeignAnswer(err) ? FOREIGN_ANSWER_HINT : 'Check the network and the region names.'}`,
    })
  }
  const path = writeWorkspaceCatalog(i.workspace, file)
  return { path, types: file.types.length, priced: file.types.filter((t) => Object.keys(t.pricePerHour).length > 0).length }
}
