package io.lvs.agent.kernel.ipvs;

/**
 * What the kernel says about its IPVS (IPVS_CMD_GET_INFO).
 *
 * @param version             IP_VS_VERSION_CODE, e.g. 0x010201
 * @param connectionTableSize buckets in the connection hash table (ip_vs_conn_tab_bits)
 */
public record Info(int version, int connectionTableSize) {
    /** "1.2.1". */
    public String versionText() {
        return ((version >> 16) & 0xff) + "." + ((version >> 8) & 0xff) + "." + (version & 0xff);
    }
}
