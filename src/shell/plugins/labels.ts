/** A navigation label from a route path: `/orders` -> `Orders`, `/team-health` -> `Team health`. */
export function routeLabel(path: string): string {
  const last = path.split('/').filter(Boolean).pop() ?? path;
  const words = last.replace(/[-_.]+/g, ' ').trim();
  return words ? words[0]!.toUpperCase() + words.slice(1) : path;
}
