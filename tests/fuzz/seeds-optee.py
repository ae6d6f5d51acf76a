#!/usr/bin/env python3
"""Writes the fuzz_optee seeds: the SMC sequences Linux's and U-Boot's
OP-TEE drivers issue (probe, device enumeration, StMM variable calls), in
the input layout tests/fuzz/fuzz_optee.c documents, plus a few with
injected RPCs and malformed arguments.  Usage: seeds-optee.py DIR"""
import struct
import sys

FIDS = {'UID': 0, 'REV': 1, 'OS_UUID': 2, 'OS_REV': 3, 'CALL': 5,
        'SHM_CONFIG': 6, 'EXCHANGE': 7, 'DISABLE': 8, 'ENABLE': 9,
        'THREADS': 10}
ATTR = {'NONE': 0, 'VALUE_IN': 1, 'VALUE_OUT': 2, 'RMEM_OUT': 6,
        'RMEM_INOUT': 7, 'TMEM_OUT': 9, 'TMEM_IN_BAD': 11, 'META': 12,
        'REG': 13}
VAL = {'0': 0, '16': 2, 'PAGE': 4, 'SHM': 7, 'COOKIE': 14, 'HUGE': 17}


def smc(name, a1=0):
    return bytes([0, FIDS[name]]) + struct.pack('<5I', a1, 0, 0, 0, 0)


def message(transport, cmd, session, func, params):
    out = bytes([2, transport, cmd, session, func, len(params)])
    for attr, a, b, c in params:
        out += bytes([ATTR[attr], VAL[a], VAL[b], VAL[c]])
    return out


def register(cookie, pages, pgoff16, size):
    return bytes([3, cookie, len(pages), pgoff16]) + \
        struct.pack('<H', size) + bytes(pages)


def stmm(function, name, size):
    return bytes([4, function, name, size])


def resume(delta=0, a1=0, a2=0, a4=0, a5=0):
    return bytes([5]) + struct.pack('<II', a1, a2) + bytes([delta]) + \
        struct.pack('<II', a4, a5)


LINUX_PROBE = (smc('UID') + smc('OS_REV') + smc('REV') + smc('THREADS') +
               smc('EXCHANGE') + smc('DISABLE'))
OPEN_ENUM = message(0, 0, 0x81, 0, [('META', '0', '0', '0')] * 2)
OPEN_STMM = message(0, 0, 0x83, 0, [('META', '0', '0', '0')] * 2)
GET_DEVICES_NULL = message(0, 1, 0, 0, [('TMEM_OUT', '0', '0', '0')] +
                           [('NONE', '0', '0', '0')] * 3)
GET_DEVICES_REG = message(0, 1, 0, 0, [('RMEM_OUT', '0', '16', 'COOKIE')] +
                          [('NONE', '0', '0', '0')] * 3)
UNREG = message(0, 5, 0, 0, [('RMEM_OUT', '0', '0', 'COOKIE')])
CLOSE = message(0, 2, 0, 0, [])

SEEDS = {
    'linux-probe-and-enumeration':
        bytes([0]) + LINUX_PROBE + OPEN_ENUM + GET_DEVICES_NULL +
        register(0, [0], 0, 4096) + GET_DEVICES_REG + UNREG + CLOSE,
    'uboot-probe-and-enumeration':
        bytes([1]) + smc('UID') + smc('OS_REV') + smc('REV') +
        smc('EXCHANGE', 1) + OPEN_ENUM +
        message(0, 1, 0, 0, [('RMEM_OUT', '0', '0', '0')]) + CLOSE,
    'uboot-stmm-set-get-next':
        bytes([1]) + smc('EXCHANGE', 1) + stmm(3, 0, 5) + stmm(0, 0, 16) +
        stmm(2, 0, 0) + stmm(3, 1, 0) + stmm(5, 0, 0) + stmm(3, 2, 4),
    'linux-stmm-session-held':
        bytes([0]) + LINUX_PROBE + OPEN_STMM + stmm(3, 1, 8) +
        stmm(0, 1, 32) + stmm(3, 0, 0),
    'reserved-pool-tmem':
        bytes([2]) + smc('SHM_CONFIG') + smc('EXCHANGE') + OPEN_ENUM +
        message(0, 1, 0, 0, [('TMEM_OUT', 'SHM', '16', '0')]),
    'regd-arg-open':
        bytes([0]) + smc('EXCHANGE') + register(0, [0], 0, 4096) +
        bytes([2, 2, 0, 0x81, 0, 2, 8]) + bytes([12, 0, 0, 0]) * 2,
    'rpc-foreign-interrupt':
        bytes([8, 1, 1, 0]) + smc('EXCHANGE') + OPEN_ENUM + resume() +
        resume(1),
    'rpc-cmd-alloc-free':
        bytes([8, 1, 2, 0]) + smc('EXCHANGE') + OPEN_ENUM +
        resume(0, 0, 0x40002000, 0, 0x99) + resume() + resume(),
    'rpc-alloc-fails':
        bytes([8, 1, 3, 1]) + smc('EXCHANGE') + stmm(3, 0, 5) + resume(),
    'teec-error-and-truncation':
        bytes([8, 0, 0, 0x11]) + smc('EXCHANGE') + stmm(3, 0, 5) +
        stmm(0, 0, 8),
    'malformed-register-and-params':
        bytes([0]) + smc('EXCHANGE') + register(1, [0xf1, 0xff], 1, 8192) +
        register(1, [0, 1], 0, 0) + OPEN_ENUM +
        message(0, 1, 0, 0, [('TMEM_IN_BAD', 'HUGE', 'HUGE', 'HUGE')]) +
        message(0, 1, 0, 0, [('NONE', '0', '0', '0')] * 5) +
        message(0, 9, 0, 0, []) + message(3, 2, 0, 0, []),
}


def main():
    for name, data in SEEDS.items():
        with open(f'{sys.argv[1]}/{name}', 'wb') as f:
            f.write(data)


if __name__ == '__main__':
    main()
