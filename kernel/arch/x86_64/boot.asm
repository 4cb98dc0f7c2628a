; Multiboot2 entry: 32-bit protected mode from GRUB -> long mode -> higher half.
;
; GRUB enters boot_entry with paging off, EAX = multiboot2 magic and EBX = the
; physical address of the multiboot2 information.  We build early page tables
; that map the first 1 GiB three times (identity, the direct map at
; PHYS_MAP_BASE, and the kernel at KERNEL_VMA) with 2 MiB pages, enable long
; mode, and jump to kmain in the higher half.  kmain extends the direct map to
; all RAM and drops the identity map once the other CPUs are up.

%define KERNEL_VMA     0xFFFFFFFF80000000
%define PHYS_MAP_BASE  0xFFFF800000000000
%define V2P(x) ((x) - KERNEL_VMA)

section .multiboot2 align=8
mb2_header:
	dd 0xE85250D6                    ; magic
	dd 0                             ; architecture: i386 (protected mode)
	dd mb2_header_end - mb2_header
	dd -(0xE85250D6 + 0 + (mb2_header_end - mb2_header))
	; end tag
	dw 0, 0
	dd 8
mb2_header_end:

section .bss align=4096
global boot_pml4, boot_pdpt_low, boot_pdpt_phys, boot_pdpt_high, boot_pd
boot_pml4:      resb 4096
boot_pdpt_low:  resb 4096   ; identity map, PML4[0]
boot_pdpt_phys: resb 4096   ; direct map,   PML4[256]
boot_pdpt_high: resb 4096   ; kernel image, PML4[511]
boot_pd:        resb 4096   ; 512 x 2 MiB = the first 1 GiB, shared by all three
global boot_stack_top
boot_stack:     resb 16384
boot_stack_top:

section .rodata
align 16
gdt64:
	dq 0
	dq 0x00AF9A000000FFFF            ; 0x08: 64-bit code, ring 0
	dq 0x00CF92000000FFFF            ; 0x10: data, ring 0
gdt64_end:
gdt64_ptr:
	dw gdt64_end - gdt64 - 1
	dq V2P(gdt64)

section .data
global boot_tsc, boot_mb2_magic, boot_mb2_info
boot_tsc:       dq 0
boot_mb2_magic: dq 0
boot_mb2_info:  dq 0

section .boot32 progbits alloc exec
bits 32
global boot_entry
boot_entry:
	cli
	cld
	mov [V2P(boot_mb2_magic)], eax
	mov [V2P(boot_mb2_info)], ebx
	rdtsc
	mov [V2P(boot_tsc)], eax
	mov [V2P(boot_tsc) + 4], edx
	mov esp, V2P(boot_stack_top)

	; Long mode available? (CPUID 0x80000001 EDX bit 29)
	mov eax, 0x80000000
	cpuid
	cmp eax, 0x80000001
	jb no_long_mode
	mov eax, 0x80000001
	cpuid
	test edx, 1 << 29
	jz no_long_mode
	mov esi, edx                     ; keep EDX: bit 20 = NX

	; boot_pd: 512 x 2 MiB pages, present | writable | huge
	mov edi, V2P(boot_pd)
	mov eax, 0x83
	xor ecx, ecx
.fill_pd:
	mov [edi + ecx * 8], eax
	mov dword [edi + ecx * 8 + 4], 0
	add eax, 0x200000
	inc ecx
	cmp ecx, 512
	jne .fill_pd

	mov eax, V2P(boot_pd) + 3
	mov [V2P(boot_pdpt_low)], eax
	mov [V2P(boot_pdpt_phys)], eax
	mov [V2P(boot_pdpt_high) + 510 * 8], eax
	mov eax, V2P(boot_pdpt_low) + 3
	mov [V2P(boot_pml4)], eax
	mov eax, V2P(boot_pdpt_phys) + 3
	mov [V2P(boot_pml4) + 256 * 8], eax
	mov eax, V2P(boot_pdpt_high) + 3
	mov [V2P(boot_pml4) + 511 * 8], eax

	mov eax, cr4
	or eax, (1 << 5) | (1 << 7)      ; PAE | PGE
	mov cr4, eax
	mov eax, V2P(boot_pml4)
	mov cr3, eax
	mov ecx, 0xC0000080              ; EFER
	rdmsr
	or eax, 1 << 8                   ; LME
	test esi, 1 << 20
	jz .no_nx
	or eax, 1 << 11                  ; NXE
.no_nx:
	wrmsr
	mov eax, cr0
	or eax, (1 << 31) | (1 << 16) | 1 ; PG | WP | PE
	mov cr0, eax

	lgdt [V2P(gdt64_ptr)]
	jmp 0x08:V2P(long_mode_low)

no_long_mode:
	; Say so on COM1 and stop: this CPU cannot run the kernel.
	mov esi, V2P(no_lm_msg)
.next:
	lodsb
	test al, al
	jz .halt
	mov dx, 0x3F8
	out dx, al
	jmp .next
.halt:
	hlt
	jmp .halt

bits 64
long_mode_low:
	mov rax, higher_half
	jmp rax

section .text
higher_half:
	mov ax, 0x10
	mov ds, ax
	mov es, ax
	mov ss, ax
	xor ax, ax
	mov fs, ax
	mov gs, ax
	mov rsp, boot_stack_top
	xor rbp, rbp
	extern kmain
	call kmain
.hang:
	cli
	hlt
	jmp .hang

section .rodata
no_lm_msg: db "PANIC: this CPU has no long mode", 13, 10, 0
