/*
 * FF-A discovery, the way U-Boot's arm-ffa driver probes (reference 3.2,
 * 3.3): FFA_VERSION(1.0), FFA_ID_GET, FFA_FEATURES(RXTX_MAP_64),
 * FFA_RXTX_MAP_64, FFA_PARTITION_INFO_GET (all) + FFA_RX_RELEASE, then
 * FFA_PARTITION_INFO_GET (the MM UUID) + FFA_RX_RELEASE.  Only x0 ==
 * FFA_SUCCESS_32 is success; errors are (int)w2.  Boot-time code, except
 * the state the runtime transport keeps (ffa_rt).
 */
#include "abi/ffa.h"
#include "refclient.h"

__rt_data struct ffa_state ffa_rt;

/* Boot-time copy of the partition ID (the seeded "stale ID" bug reads it). */
uint16_t ffa_boot_mm_sp_id;

#define RXTX_MAX_PAGES 16u
/* In .rxtx, which start.S does not clear (linker.ld). */
static uint8_t tx_buf[RXTX_MAX_PAGES * FFA_PAGE_SIZE]
	__attribute__((aligned(65536), section(".rxtx")));
static uint8_t rx_buf[RXTX_MAX_PAGES * FFA_PAGE_SIZE]
	__attribute__((aligned(65536), section(".rxtx")));
static uint32_t rxtx_pages;
static uint32_t partition_count;

static void call(struct smccc_regs *r)
{
	smccc_call(r);
}

static int ffa_error_of(const struct smccc_regs *r)
{
	return (int)(int32_t)r->x[2];
}

static int version(void)
{
	struct smccc_regs r = {
		.x = {FFA_VERSION,
		      FFA_CLIENT_V1_1 ? FFA_VERSION_1_1 : FFA_VERSION_1_0}};
	int32_t v;

	call(&r);
	v = (int32_t)r.x[0];
	if (v < 0 || ffa_version_major((uint32_t)v) != 1) {
		uart_printf("FF-A: versions are not compatible (0x%x)\n",
			    (unsigned)v);
		return -1;
	}
	uart_printf("FF-A: SPMC is v%u.%u, using v1.%u\n",
		    ffa_version_major((uint32_t)v),
		    ffa_version_minor((uint32_t)v), FFA_CLIENT_V1_1 ? 1u : 0u);
	return 0;
}

static int id_get(void)
{
	struct smccc_regs r = {.x = {FFA_ID_GET}};

	call(&r);
	if (r.x[0] != FFA_SUCCESS_32) {
		uart_printf("FF-A: FFA_ID_GET failed (%d)\n", ffa_error_of(&r));
		return -1;
	}
	ffa_rt.own_id = (uint16_t)r.x[2];
	return 0;
}

/* U-Boot accepts exactly 0 (4K), 1 (64K) or 2 (16K) in w2. */
static int rxtx_features(void)
{
	struct smccc_regs r = {.x = {FFA_FEATURES, FFA_RXTX_MAP_64}};

	call(&r);
	if (r.x[0] != FFA_SUCCESS_32) {
		uart_printf("FF-A: FFA_FEATURES(RXTX_MAP) failed (%d)\n",
			    ffa_error_of(&r));
		return -1;
	}
	switch (r.x[2]) {
	case FFA_RXTX_MIN_4K:
		rxtx_pages = 1;
		return 0;
	case FFA_RXTX_MIN_16K:
		rxtx_pages = 4;
		return 0;
	case FFA_RXTX_MIN_64K:
		rxtx_pages = 16;
		return 0;
	default:
		uart_printf("FF-A: RX/TX buffer size not supported (0x%lx)\n",
			    r.x[2]);
		return -1;
	}
}

static int rxtx_map(void)
{
	struct smccc_regs r = {.x = {FFA_RXTX_MAP_64, (uintptr_t)tx_buf,
				     (uintptr_t)rx_buf, rxtx_pages}};

	call(&r);
	if (r.x[0] != FFA_SUCCESS_32) {
		uart_printf("FF-A: FFA_RXTX_MAP failed (%d)\n",
			    ffa_error_of(&r));
		return -1;
	}
	return 0;
}

static int rx_release(void)
{
	struct smccc_regs r = {.x = {FFA_RX_RELEASE}};

	if (BUG(RX_NEVER_RELEASED)) {
		return 0;
	}
	call(&r);
	return r.x[0] == FFA_SUCCESS_32 ? 0 : -1;
}

/* PARTITION_INFO_GET; *count = descriptors now in rx_buf (v1.0, 8 bytes). */
static int partition_info(const uint32_t uuid[4], uint32_t *count)
{
	struct smccc_regs r = {.x = {FFA_PARTITION_INFO_GET, uuid[0], uuid[1],
				     uuid[2], uuid[3], 0}};

	call(&r);
	if (r.x[0] != FFA_SUCCESS_32) {
		return ffa_error_of(&r);
	}
	*count = (uint32_t)r.x[2];
	if ((uint64_t)*count * 24 > (uint64_t)rxtx_pages * FFA_PAGE_SIZE) {
		rx_release();
		return -1;
	}
	return 0;
}

static int discover_partitions(void)
{
	static const uint32_t nil[4] = {0, 0, 0, 0};
	static const uint32_t mm_uuid[4] = {FFA_MM_SP_UUID_W0,
					    FFA_MM_SP_UUID_W1,
					    FFA_MM_SP_UUID_W2,
					    FFA_MM_SP_UUID_W3};
	uint32_t count = 0;
	int rc;

	rc = partition_info(nil, &count);
	if (rc != 0) {
		uart_printf("FF-A: FFA_PARTITION_INFO_GET failed (%d)\n", rc);
		return -1;
	}
	uart_printf("FF-A: %u partition(s)\n", count);
	partition_count = count;
	if (rx_release() != 0) {
		return -1;
	}
	rc = partition_info(mm_uuid, &count);
	if (rc != 0 || count == 0) {
		uart_printf("EFI: Failure to discover MM SP ID at boot time\n");
		return -1;
	}
	{
		struct ffa_partition_info_v1_0 d;

		memcpy(&d, rx_buf, sizeof(d));
		ffa_rt.mm_sp_id = d.id;
		ffa_boot_mm_sp_id = d.id;
	}
	uart_printf("EFI: MM partition ID 0x%x\n", ffa_rt.mm_sp_id);
	return rx_release();
}

uint8_t *ffa_tx_buffer(void)
{
	return tx_buf;
}

/* Only asked when discovery found more than the MM partition. */
int ffa_partition_id(const uint32_t uuid[4], uint16_t *id)
{
	struct ffa_partition_info_v1_0 d;
	uint32_t count = 0;

	if (partition_count < 2 || partition_info(uuid, &count) != 0) {
		return -1;
	}
	memcpy(&d, rx_buf, sizeof(d));
	*id = d.id;
	return rx_release() == 0 && count > 0 ? 0 : -1;
}

int ffa_discover(void)
{
	if (BUG(DIRECT_REQ_BEFORE_VERSION)) {
		/* Rings the MM partition before any negotiation. */
		struct smccc_regs r = {.x = {FFA_MSG_SEND_DIRECT_REQ_64,
					     0x8003, 0,
					     FFA_SHARED_MM_BUF_OFFSET}};
		call(&r);
	}
	if (version() != 0 || id_get() != 0 || rxtx_features() != 0 ||
	    rxtx_map() != 0) {
		return -1;
	}
	if (discover_partitions() != 0) {
		ffa_unmap_rxtx();
		return -1;
	}
	ffa_rt.ready = true;
	return 0;
}

int ffa_unmap_rxtx(void)
{
	struct smccc_regs r = {.x = {FFA_RXTX_UNMAP,
				     (uint64_t)ffa_rt.own_id << 16}};

	call(&r);
	return r.x[0] == FFA_SUCCESS_32 ? 0 : -1;
}
