// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Syscall probe: counts every syscall per cgroup, syscall number and ABI, and sends one record
 * per call of the selected syscalls with its arguments and result. Attaches to the BTF-typed
 * tracepoints sys_enter and sys_exit only (Linux 5.5), which give the saved registers as a typed
 * pointer, and uses helpers of Linux 5.8 and older. bpf_get_current_task_btf (Linux 5.11) makes
 * reading the syscall ABI a plain load where the kernel has it (current_syscall_abi).
 *
 * Counting uses two generations of per-CPU hash maps. counts_current points at the one that the
 * programs write; user space points it at the other and then reads and clears the old one.
 * Replacing an ARRAY_OF_MAPS entry from user space waits for an RCU grace period
 * (maybe_wait_bpf_programs in kernel/bpf/syscall.c), so no program still writes the old
 * generation when user space reads it, and no count is lost between read and delete.
 *
 * A task is in a container when its PID namespace is not the initial one and its cgroup is not
 * listed in host_cgroups. Unless include_host is set, only such tasks are counted and reported.
 *
 * sys_enter runs on every syscall of the host, so each CPU keeps the last thread's verdict in
 * task_cache and reuses it while the same thread runs in the same cgroup. User space changes
 * probe_config.generation after each change of include_host or host_cgroups, which makes every
 * CPU decide again.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#include "compat.h"
#include "tarsier_ringbuf.h"
#include "syscall.h"

#define EEXIST 17
#define MODULE_NAME_SIZE 56		/* MODULE_NAME_LEN on 64-bit kernels */
#define ELF_SECTION_LIMIT 64		/* sections searched for the module descriptor */

/* Put the shared types into the object's BTF, where a test compares them with the Java layouts. */
const struct syscall_record *const syscall_record_type = 0;
const struct count_key *const count_key_type = 0;
const struct syscall_spec *const syscall_spec_type = 0;
const struct probe_config *const probe_config_type = 0;
const struct cgroup_names *const cgroup_names_type = 0;

struct counts_map {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 16384);
	__type(key, struct count_key);
	__type(value, __u64);
};

struct counts_map syscall_counts_a SEC(".maps");
struct counts_map syscall_counts_b SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 1);
	__type(key, __u32);
	__array(values, struct counts_map);
} counts_current SEC(".maps") = {
	.values = { [0] = &syscall_counts_a },
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, struct cgroup_names);
} cgroup_names SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2 * SYSCALL_NR_LIMIT);
	__type(key, __u32);
	__type(value, struct syscall_spec);
} syscall_specs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct probe_config);
} syscall_config SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u64);
	__type(value, __u8);
} host_cgroups SEC(".maps");

/* Verdict of the last sys_enter on this CPU; entry 0 of task_cache. */
struct task_verdict {
	__u64 task;			/* task_struct address */
	__u64 cgroup_id;
	__u32 tid;
	__u32 generation;		/* probe_config.generation when the verdict was taken */
	__u32 traced;			/* 1: the task is counted */
	__u32 reserved;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct task_verdict);
} task_cache SEC(".maps");

/* Records of selected syscalls between sys_enter and sys_exit, by thread id. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, struct syscall_record);
} syscall_pending SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1024 * 1024);
} syscall_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, DROP_REASON_COUNT);
	__type(key, __u32);
	__type(value, __u64);
} syscall_drops SEC(".maps");

/* Records and cgroup names are built here, because they are too large for the stack. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct syscall_record);
} record_scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct cgroup_names);
} names_scratch SEC(".maps");

static __always_inline void count_drop(__u32 reason)
{
	__u64 *count = bpf_map_lookup_elem(&syscall_drops, &reason);

	if (count)
		*count += 1;
}

static __always_inline bool is_traced(struct task_struct *task, __u64 cgroup_id)
{
	__u32 zero = 0;
	struct probe_config *config = bpf_map_lookup_elem(&syscall_config, &zero);

	if (config && config->include_host)
		return true;
	if (pid_namespace_level(task) == 0)
		return false;
	return !bpf_map_lookup_elem(&host_cgroups, &cgroup_id);
}

/*
 * Returns is_traced() for the current task, from this CPU's task_cache while the same thread
 * runs in the same cgroup under the same configuration, and stores the verdict otherwise.
 */
static __always_inline bool is_traced_cached(struct task_verdict *cache,
					     struct task_struct *task, __u32 tid,
					     __u64 cgroup_id)
{
	struct probe_config *config;
	__u32 zero = 0, generation;

	config = bpf_map_lookup_elem(&syscall_config, &zero);
	generation = config ? config->generation : 0;
	if (cache->task == (__u64)task && cache->tid == tid && cache->cgroup_id == cgroup_id &&
	    cache->generation == generation)
		return cache->traced;
	cache->task = (__u64)task;
	cache->tid = tid;
	cache->cgroup_id = cgroup_id;
	cache->generation = generation;
	cache->traced = is_traced(task, cgroup_id);
	return cache->traced;
}

static __always_inline struct syscall_spec *selected_spec(long nr, __u32 abi)
{
	struct syscall_spec *spec;
	__u32 index;

	if (nr < 0 || nr >= SYSCALL_NR_LIMIT)
		return NULL;
	index = abi * SYSCALL_NR_LIMIT + (__u32)nr;
	spec = bpf_map_lookup_elem(&syscall_specs, &index);
	if (!spec || !spec->selected)
		return NULL;
	return spec;
}

static __always_inline void read_cgroup_names(char *parent_name, char *leaf_name,
					      struct task_struct *task)
{
	struct kernfs_node *leaf = BPF_CORE_READ(task, cgroups, dfl_cgrp, kn);
	struct kernfs_node *parent;

	leaf_name[0] = 0;
	parent_name[0] = 0;
	if (!leaf) {
		count_drop(DROP_CGROUP_READ);
		return;
	}
	if (bpf_probe_read_kernel_str(leaf_name, CGROUP_NAME_SIZE, BPF_CORE_READ(leaf, name)) < 0)
		count_drop(DROP_CGROUP_READ);

	/* the root cgroup has no parent */
	parent = kernfs_parent(leaf);
	if (parent && bpf_probe_read_kernel_str(parent_name, CGROUP_NAME_SIZE,
						BPF_CORE_READ(parent, name)) < 0)
		count_drop(DROP_CGROUP_READ);
}

/* Stores the cgroup's names once, so that count events can be attributed after it is gone. */
static __always_inline void remember_cgroup(__u64 cgroup_id, struct task_struct *task)
{
	struct cgroup_names *names;
	__u32 zero = 0;
	long err;

	if (bpf_map_lookup_elem(&cgroup_names, &cgroup_id))
		return;
	names = bpf_map_lookup_elem(&names_scratch, &zero);
	if (!names)
		return;
	read_cgroup_names(names->parent, names->leaf, task);
	err = bpf_map_update_elem(&cgroup_names, &cgroup_id, names, BPF_NOEXIST);
	if (err && err != -EEXIST)
		count_drop(DROP_NAMES_FULL);
}

static __always_inline void count_syscall(__u64 cgroup_id, long nr, __u32 abi,
					  struct task_struct *task)
{
	struct count_key key = { .cgroup_id = cgroup_id, .nr = (__u32)nr, .abi = abi };
	__u64 one = 1, *value;
	__u32 zero = 0;
	void *counts;
	long err;

	counts = bpf_map_lookup_elem(&counts_current, &zero);
	if (!counts)
		return;
	value = bpf_map_lookup_elem(counts, &key);
	if (value) {
		*value += 1;
		return;
	}

	/* first call of this key in the window; another CPU may insert it at the same time */
	err = bpf_map_update_elem(counts, &key, &one, BPF_NOEXIST);
	if (err == -EEXIST) {
		value = bpf_map_lookup_elem(counts, &key);
		if (value)
			*value += 1;
		return;
	}
	if (err) {
		count_drop(DROP_COUNTS_FULL);
		return;
	}
	remember_cgroup(cgroup_id, task);
}

static __always_inline void fill_header(struct record_header *header, struct task_struct *task)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u64 uid_gid = bpf_get_current_uid_gid();

	header->boot_ns = bpf_ktime_get_boot_ns();
	header->cgroup_id = bpf_get_current_cgroup_id();
	header->kind = RECORD_SYSCALL;
	header->pid = pid_tgid >> 32;
	header->tid = (__u32)pid_tgid;
	header->ppid = BPF_CORE_READ(task, real_parent, tgid);
	header->uid = (__u32)uid_gid;
	header->gid = uid_gid >> 32;
	bpf_get_current_comm(header->comm, sizeof(header->comm));
}

/*
 * Returns whether a section name is ".gnu.linkonce.this_module", the section of a module's ELF
 * image that contains its struct module. The name is spelled out because a string constant
 * would need a .rodata.str section, and a static array in .rodata broke the object's BTF.
 */
#define MODULE_SECTION_SIZE 26

static __always_inline bool is_module_section(const char *n)
{
	return n[0] == '.' && n[1] == 'g' && n[2] == 'n' && n[3] == 'u' && n[4] == '.' &&
	       n[5] == 'l' && n[6] == 'i' && n[7] == 'n' && n[8] == 'k' && n[9] == 'o' &&
	       n[10] == 'n' && n[11] == 'c' && n[12] == 'e' && n[13] == '.' && n[14] == 't' &&
	       n[15] == 'h' && n[16] == 'i' && n[17] == 's' && n[18] == '_' && n[19] == 'm' &&
	       n[20] == 'o' && n[21] == 'd' && n[22] == 'u' && n[23] == 'l' && n[24] == 'e' &&
	       n[25] == 0;
}

/*
 * Copies the module name from an init_module image: the name member of the struct module in the
 * .gnu.linkonce.this_module section, which is what the kernel reads too. Returns the bytes read,
 * or a negative value when the image is not a 64-bit ELF file with that section.
 */
static __always_inline long read_module_name(char *dst, const void *image)
{
	__u64 name_offset = bpf_core_field_offset(struct module, name);
	__u64 section_headers, strings_offset = 0, offset = 0;
	__u16 entry_size, count, strings_index;
	char name[MODULE_SECTION_SIZE];
	__u8 ident[5];
	__u32 name_index;
	int i;

	/* the ELF header: magic, class, and where the section headers are */
	if (bpf_probe_read_user(ident, sizeof(ident), image) < 0)
		return -1;
	if (ident[0] != 0x7f || ident[1] != 'E' || ident[2] != 'L' || ident[3] != 'F' ||
	    ident[4] != 2)
		return -1;
	if (bpf_probe_read_user(&section_headers, sizeof(section_headers), image + 0x28) < 0 ||
	    bpf_probe_read_user(&entry_size, sizeof(entry_size), image + 0x3a) < 0 ||
	    bpf_probe_read_user(&count, sizeof(count), image + 0x3c) < 0 ||
	    bpf_probe_read_user(&strings_index, sizeof(strings_index), image + 0x3e) < 0)
		return -1;
	if (entry_size != 64 || strings_index >= count)
		return -1;

	/* the section name table */
	if (bpf_probe_read_user(&strings_offset, sizeof(strings_offset),
				image + section_headers + strings_index * 64 + 24) < 0)
		return -1;

	/* the section that contains struct module */
	for (i = 0; i < ELF_SECTION_LIMIT; i++) {
		if (i >= count)
			return -1;
		if (bpf_probe_read_user(&name_index, sizeof(name_index),
					image + section_headers + i * 64) < 0)
			return -1;
		if (bpf_probe_read_user(name, sizeof(name), image + strings_offset + name_index) < 0)
			continue;
		if (!is_module_section(name))
			continue;
		if (bpf_probe_read_user(&offset, sizeof(offset),
					image + section_headers + i * 64 + 24) < 0)
			return -1;
		return bpf_probe_read_user_str(dst, MODULE_NAME_SIZE, image + offset + name_offset);
	}
	return -1;
}

/* Copies the name of the file behind a file descriptor and stores its inode number. */
static __always_inline long read_fd_name(char *dst, struct syscall_record *record,
					 struct task_struct *task, __u64 fd)
{
	struct fdtable *table = BPF_CORE_READ(task, files, fdt);
	unsigned int max_fds = BPF_CORE_READ(table, max_fds);
	struct file **files = BPF_CORE_READ(table, fd);
	struct file *file = NULL;

	if ((int)fd < 0 || (unsigned int)fd >= max_fds)
		return -1;
	if (bpf_probe_read_kernel(&file, sizeof(file), &files[(unsigned int)fd]) < 0 || !file)
		return -1;
	record->fd_inode = BPF_CORE_READ(file, f_inode, i_ino);
	return bpf_probe_read_kernel_str(dst, ARG_STRING_SIZE,
					 BPF_CORE_READ(file, f_path.dentry, d_name.name));
}

/*
 * Reads string slot number slot. A user string that cannot be read at sys_enter is not counted as
 * a drop there (at_enter): its page may not be in memory yet, and sys_exit reads it again.
 */
static __always_inline void read_slot(struct syscall_record *record, struct syscall_spec *spec,
				      struct task_struct *task, int slot, bool at_enter)
{
	__u8 kind = spec->slot_kind[slot];
	__u8 index = spec->slot_arg[slot];
	char *dst = record->strings[slot];
	long length;
	__u64 arg;

	record->string_size[slot] = 0;
	dst[0] = 0;
	if (index >= SYSCALL_ARGS)
		return;
	arg = record->args[index];
	switch (kind) {
	case SLOT_USER_STRING:
		length = bpf_probe_read_user_str(dst, ARG_STRING_SIZE, (void *)arg);
		break;
	case SLOT_FD_NAME:
		length = read_fd_name(dst, record, task, arg);
		break;
	case SLOT_MODULE_IMAGE:
		length = read_module_name(dst, (void *)arg);
		break;
	default:
		return;
	}
	if (length <= 0) {
		dst[0] = 0;
		if (!(at_enter && kind == SLOT_USER_STRING))
			count_drop(DROP_STRING_READ);
		return;
	}
	record->string_size[slot] = length;
}

/*
 * Reads again, at sys_exit, a user string that sys_enter could not read. A tracepoint program
 * cannot fault a page in, so a string on a page that the task had not touched yet reads as an
 * error at sys_enter. By sys_exit the syscall has copied the string and brought the page in.
 */
static __always_inline void reread_user_string(struct syscall_record *record,
					       struct syscall_spec *spec, int slot)
{
	__u8 index = spec->slot_arg[slot];
	long length;

	if (record->string_size[slot] || spec->slot_kind[slot] != SLOT_USER_STRING ||
	    index >= SYSCALL_ARGS)
		return;
	length = bpf_probe_read_user_str(record->strings[slot], ARG_STRING_SIZE,
					 (void *)record->args[index]);
	if (length <= 0) {
		record->strings[slot][0] = 0;
		count_drop(DROP_STRING_READ);
		return;
	}
	record->string_size[slot] = length;
}

/* Fills everything but the header and the result, from the registers at enter or exit. */
static __always_inline void describe_call(struct syscall_record *record, struct pt_regs *regs,
					  struct syscall_spec *spec, struct task_struct *task,
					  long nr, __u32 abi, bool at_enter)
{
	record->nr = (__u32)nr;
	record->abi = abi;
	record->flags = 0;
	record->fd_inode = 0;
	record->enter_ns = 0;
	read_syscall_args(regs, abi, record->args);
	read_cgroup_names(record->cgroup_parent, record->cgroup_leaf, task);
	read_slot(record, spec, task, 0, at_enter);
	read_slot(record, spec, task, 1, at_enter);
	read_slot(record, spec, task, 2, at_enter);
}

static __always_inline void send_record(struct syscall_record *record, struct task_struct *task,
					long ret)
{
	fill_header(&record->header, task);
	record->ret = ret;
	if (bpf_ringbuf_output(&syscall_events, record, sizeof(*record),
			       tarsier_wakeup_flags(&syscall_events)) < 0) {
		count_drop(DROP_RINGBUF);
		return;
	}
	tarsier_submitted(&syscall_events);
}

SEC("tp_btf/sys_enter")
int BPF_PROG(handle_sys_enter, struct pt_regs *regs, long nr)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	__u64 cgroup_id = bpf_get_current_cgroup_id();
	__u32 zero = 0, tid = (__u32)bpf_get_current_pid_tgid(), abi;
	struct syscall_record *record;
	struct task_verdict *cache;
	struct syscall_spec *spec;

	cache = bpf_map_lookup_elem(&task_cache, &zero);
	if (!cache)
		return 0;
	if (!is_traced_cached(cache, task, tid, cgroup_id))
		return 0;
	abi = current_syscall_abi();
	count_syscall(cgroup_id, nr, abi, task);

	/* selected syscalls: keep the arguments as passed until sys_exit */
	spec = selected_spec(nr, abi);
	if (!spec)
		return 0;
	record = bpf_map_lookup_elem(&record_scratch, &zero);
	if (!record)
		return 0;
	describe_call(record, regs, spec, task, nr, abi, true);
	record->flags = SYSCALL_ENTER_SEEN;
	record->enter_ns = bpf_ktime_get_boot_ns();
	if (bpf_map_update_elem(&syscall_pending, &tid, record, BPF_ANY) < 0)
		count_drop(DROP_PENDING_FULL);
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(handle_sys_exit, struct pt_regs *regs, long ret)
{
	struct task_struct *task;
	struct syscall_record *record;
	struct syscall_spec *spec;
	__u32 zero = 0, tid, abi;
	__u64 cgroup_id;
	long nr;

	abi = current_syscall_abi();
	nr = syscall_nr_at_exit_btf(regs);
	spec = selected_spec(nr, abi);
	if (!spec)
		return 0;

	task = (struct task_struct *)bpf_get_current_task();

	/* the usual case: the record that sys_enter stored */
	tid = (__u32)bpf_get_current_pid_tgid();
	record = bpf_map_lookup_elem(&syscall_pending, &tid);
	if (record && record->nr == (__u32)nr && record->abi == abi) {
		reread_user_string(record, spec, 0);
		reread_user_string(record, spec, 1);
		reread_user_string(record, spec, 2);
		send_record(record, task, ret);
		bpf_map_delete_elem(&syscall_pending, &tid);
		return 0;
	}
	if (record)
		bpf_map_delete_elem(&syscall_pending, &tid);

	/*
	 * no enter: seccomp rejected the call before the sys_enter tracepoint, the enter record
	 * could not be stored, or the call began before attach. Read what the registers still hold,
	 * and count the call, which sys_enter did not see.
	 * NOTE: a call whose enter record could not be stored (DROP_PENDING_FULL) is counted twice.
	 */
	cgroup_id = bpf_get_current_cgroup_id();
	if (!is_traced(task, cgroup_id))
		return 0;
	count_syscall(cgroup_id, nr, abi, task);
	record = bpf_map_lookup_elem(&record_scratch, &zero);
	if (!record)
		return 0;
	describe_call(record, regs, spec, task, nr, abi, false);
	send_record(record, task, ret);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
