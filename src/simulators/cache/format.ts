/** 0.854 -> '85.4%'. */
export const ratioPct = (x: number): string => `${(x * 100).toFixed(1)}%`

/** Bytes in binary units: '534.1 MiB', '2.00 GiB', '512 B'. */
export const bytesText = (b: number): string =>
  b >= 2 ** 30 ? `${(b / 2 ** 30).toFixed(2)} GiB` : b >= 2 ** 20 ? `${(b / 2 ** 20).toFixed(1)} MiB` : b >= 1024 ? `${(b / 1024).toFixed(1)} KiB` : `${b} B`
