/** `2024-01-03 23:55`: a UTC instant to the minute, as headroom's messages print times. */
export const isoMinute = (ms: number): string => new Date(ms).toISOString().slice(0, 16).replace('T', ' ')
