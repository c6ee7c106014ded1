/** The header the BFF uses to attribute and authorize every plugin request. */
export const PLUGIN_ID_HEADER = 'X-Plugin-Id';
